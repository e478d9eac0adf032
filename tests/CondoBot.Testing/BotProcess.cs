using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace CondoBot.Testing;

/// <summary>
/// The real service as a separate process (<c>CondoBot.Host.dll</c>, built with the tests), so tests can type at its
/// console, read what it prints, and kill it like an operator or a crash would.
/// </summary>
public sealed class BotProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();
    private bool _disposed;

    private BotProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout
    {
        get
        {
            lock (_gate) return _stdout.ToString();
        }
    }

    public string Stderr
    {
        get
        {
            lock (_gate) return _stderr.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the host with these settings (environment variables, as operators set them) and arguments.</summary>
    public static BotProcess Start(IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(HostDll());
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (key, value) in settings) start.Environment[key] = value;
        if (!settings.ContainsKey("DOTNET_ENVIRONMENT")) start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        return new BotProcess(Process.Start(start)!);
    }

    public void Type(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits until stdout, read from <paramref name="from"/>, matches; answers the match.</summary>
    public async Task<Match> WaitForAsync(string pattern, TimeSpan timeout, int from = 0)
    {
        var regex = new Regex(pattern, RegexOptions.Singleline);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var text = Stdout;
            var match = regex.Match(text, Math.Min(from, text.Length));
            if (match.Success) return match;
            if (DateTime.UtcNow > deadline || _process.HasExited && regex.Match(Stdout, Math.Min(from, Stdout.Length)) is { Success: false })
            {
                throw new TimeoutException($"No output matching /{pattern}/ within {timeout}.\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits for the process to exit and for everything it printed to be read.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit();
        return true;
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited) Kill();
        _process.WaitForExit(10_000);
        _process.Dispose();
        KeepOutput();
        CancelJobsItMentioned();
    }

    /// <summary>
    /// With <c>CONDOBOT_TEST_OUTPUT</c> set to a folder, every service process's stdout and stderr are kept there after
    /// it ends, so a failure in CI can be read afterwards in the service's own words.
    /// </summary>
    private void KeepOutput()
    {
        var folder = Environment.GetEnvironmentVariable("CONDOBOT_TEST_OUTPUT");
        if (string.IsNullOrEmpty(folder)) return;
        Directory.CreateDirectory(folder);
        var name = Path.Combine(folder, $"bot-{DateTime.UtcNow:HHmmss.fff}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}");
        File.WriteAllText(name + ".stdout", Stdout);
        File.WriteAllText(name + ".stderr", Stderr);
    }

    /// <summary>
    /// A failed test must not leave its JupyterLab jobs holding the shared node: cancel every job this process told
    /// its user about (cancelling a job that already ended is harmless).
    /// </summary>
    private void CancelJobsItMentioned()
    {
        var jobs = Regex.Matches(Stdout, @"\b[Jj]ob (\d+)\b").Select(m => m.Groups[1].Value).Distinct().ToArray();
        if (jobs.Length == 0) return;
        // Job ids of the site's clusters do not overlap, so each cluster is told to cancel them all.
        foreach (var name in new[] { "local", "legacy" })
        {
            try
            {
                LocalCluster.Get(name).Slurm(["scancel", .. jobs]);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or System.ComponentModel.Win32Exception)
            {
                // No site here (a test that never reached a cluster): nothing to cancel.
            }
        }
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null) return;
        lock (_gate) target.AppendLine(line);
    }

    /// <summary>The host built alongside the tests (same configuration: Debug or Release).</summary>
    private static string HostDll()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = LocalCluster.RepoFile($"src/CondoBot.Host/bin/{configuration}/net10.0/CondoBot.Host.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first: the host is not at " + dll);
    }
}
