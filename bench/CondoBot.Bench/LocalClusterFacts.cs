using System.Diagnostics;

namespace CondoBot.Bench;

/// <summary>The running local cluster (deploy/local-cluster/cluster.sh up), and the few root commands the bench runs on it.</summary>
internal sealed record LocalClusterFacts(string Host, int Port, string HostKey, string SshdLog)
{
    public static LocalClusterFacts Load()
    {
        var facts = File.ReadAllLines("/run/condobot-cluster/facts.env")
            .Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim().Trim('\'', '"'));
        return new(facts["CONDO_LOGIN_HOST"], int.Parse(facts["CONDO_LOGIN_PORT"], System.Globalization.CultureInfo.InvariantCulture),
            facts["CONDO_HOST_KEY_SHA256"], facts["CONDO_SSHD_LOG"]);
    }

    public static string Run(string file, IEnumerable<string> args, string? stdin = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000)) throw new TimeoutException($"{file} did not finish in 60 s");
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {error.Result}");
        return output.Result;
    }

    /// <summary>The SHA256 fingerprint sshd logs for a public key line ("restrict ssh-ed25519 AAAA... comment").</summary>
    public static string Fingerprint(string entry)
    {
        var key = entry[entry.IndexOf("ssh-ed25519", StringComparison.Ordinal)..];
        return Run("ssh-keygen", ["-lf", "-"], key + "\n").Split(' ')[1];
    }

    /// <summary>The session id in a job's <c>--comment</c> (condobot:SESSION), which names its connection file.</summary>
    public static string SessionOf(long job) => Run("squeue", ["--noheader", "--states=all", "--jobs", job.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format=%k"])
        .Trim().Replace("condobot:", "", StringComparison.Ordinal);

    public static void Cancel(IEnumerable<long> jobs)
    {
        var ids = jobs.Select(j => j.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (ids.Count > 0)
        {
            try
            {
                Run("scancel", ids);
            }
            catch (InvalidOperationException)
            {
                // Already gone: nothing of the bench's is left running.
            }
        }
    }
}
