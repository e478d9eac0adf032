using System.Diagnostics;
using CondoBot.Cluster.Gate;
using CondoBot.Core.Clusters;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// A home folder with the rendered gate, and stand-ins for sbatch, squeue, scancel and sinfo on PATH that record their
/// arguments (and sbatch its script): the gate itself runs under the real /bin/sh, as sshd would run it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class GateHome : IDisposable
{
    public const string Tag = "0123456789abcdef0123456789abcdef";

    public GateHome(ClusterProfile cluster)
    {
        Dir = Directory.CreateTempSubdirectory("condobot-gate-").FullName;
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(Path.Combine(Dir, ".ssh"));
        Directory.CreateDirectory(Path.Combine(Dir, ".condobot"));
        File.WriteAllText(Gate, GateProgram.Render([cluster]));
        // Each stand-in appends its argv (one argument per line, then a blank line) to ARGV.NAME.
        foreach (var tool in new[] { "sbatch", "squeue", "scancel", "sinfo" })
        {
            var body = tool == "sbatch" ? "cat > \"$HOME/sbatch.script\"\necho 4242\n" : "printf '%s' \"${STANDIN_OUT:-}\"\nexit ${STANDIN_EXIT:-0}\n";
            File.WriteAllText(Path.Combine(Bin, tool), $"#!/bin/sh\nfor a; do printf '%s\\n' \"$a\"; done >> \"$HOME/argv.{tool}\"\necho >> \"$HOME/argv.{tool}\"\n{body}");
            File.SetUnixFileMode(Path.Combine(Bin, tool), UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        }
    }

    public string Dir { get; }

    public string Gate => Path.Combine(Dir, ".condobot", "test.gate");

    private string Bin => Path.Combine(Dir, "bin");

    /// <summary>The gate run as sshd runs a forced command: <c>/bin/sh GATE TAG</c> with the request in SSH_ORIGINAL_COMMAND.</summary>
    public (int Exit, string Stdout, string Stderr) Run(string? request, IDictionary<string, string>? env = null, string shell = "/bin/sh", string? command = null)
    {
        var start = new ProcessStartInfo(shell) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Dir };
        if (command is null)
        {
            start.ArgumentList.Add(Gate);
            start.ArgumentList.Add(Tag);
        }
        else
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command);
        }

        start.Environment["HOME"] = Dir;
        start.Environment["PATH"] = Bin + ":/usr/bin:/bin";
        start.Environment.Remove("SSH_ORIGINAL_COMMAND");
        if (request is not null) start.Environment["SSH_ORIGINAL_COMMAND"] = request;
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit(30_000);
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The argument lists a stand-in was called with, in order.</summary>
    public List<string[]> Calls(string tool)
    {
        var file = Path.Combine(Dir, "argv." + tool);
        if (!File.Exists(file)) return [];
        return File.ReadAllText(file).Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
    }

    public string? Log => File.Exists(Path.Combine(Dir, ".condobot", "gate.log")) ? File.ReadAllText(Path.Combine(Dir, ".condobot", "gate.log")) : null;

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
