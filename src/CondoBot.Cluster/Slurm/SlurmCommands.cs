using System.Globalization;
using CondoBot.Cluster.Ssh;
using CondoBot.Core;
using CondoBot.Core.Clusters;

namespace CondoBot.Cluster.Slurm;

/// <summary>
/// The remote command lines, each built as an argv and quoted once. Every value in them was validated by the command
/// parser (or comes from the bot itself); quoting is the second line of defence, not the first.
/// </summary>
public static class SlurmCommands
{
    public const string JobName = "condobot";

    /// <summary>The marker between squeue's answer and the connection file in a poll's output.</summary>
    public const string PollMarker = "@@condobot squeue-exit";

    public static string Comment(SessionId session) => $"condobot:{session}";

    public static IReadOnlyList<string> SbatchArgv(JobRequest request)
    {
        var argv = new List<string> { "sbatch", "--parsable", $"--job-name={JobName}", $"--comment={Comment(request.Session)}" };
        if (request.Account.Length > 0) argv.AddRange(["--account", request.Account]);
        if (request.Partition.Length > 0) argv.AddRange(["--partition", request.Partition]);
        if (request.Gpus > 0) argv.Add($"--gpus-per-node={request.Gpus.ToString(CultureInfo.InvariantCulture)}");
        if (request.After is { } first) argv.Add($"--dependency=afterany:{first}");
        argv.AddRange([
            "--nodes", request.Nodes.ToString(CultureInfo.InvariantCulture),
            "--time", request.Walltime.ToSlurm(),
            "--output=.condobot/slurm-%j.out",
        ]);
        return argv;
    }

    /// <summary>Printed on stderr when the job script did not arrive whole; nothing was submitted then.</summary>
    public const string IncompleteScript = "condobot: the job script arrived incomplete";

    /// <summary>
    /// The job script arrives on stdin into a private file, and sbatch runs only if the file's SHA-256 is the script's:
    /// a connection dropped mid-upload (the bot killed, the network gone) would otherwise hand sbatch a truncated
    /// script, which Slurm accepts and which then fails on the node. The output folder must exist before the job starts.
    /// </summary>
    public static string Submit(JobRequest request, string script)
    {
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script)));
        return "mkdir -p -m 700 .condobot && f=$(mktemp .condobot/submit.XXXXXX) && cat > \"$f\" && "
            + $"if echo \"{sha256}  $f\" | sha256sum --check --status; then {ShellQuote.Join(SbatchArgv(request))} \"$f\"; rc=$?; "
            + $"else echo '{IncompleteScript}' >&2; rc=75; fi; rm -f \"$f\"; exit $rc";
    }

    public static string FindBySession(ClusterUser login) =>
        ShellQuote.Join(["squeue", "--noheader", "--states=all", "--user", login.Value, "--format=%i|%k"]);

    public static string Poll(SlurmJobId job, SessionId session) =>
        ShellQuote.Join(["squeue", "--noheader", "--states=all", "--jobs", job.ToString(), "--format=%i|%T|%N|%L|%S|%r"])
        + $"; echo \"{PollMarker} $? $(date +%z)\"; cat {ShellQuote.Quote(JobScript.ConnectionFile(session))} 2>/dev/null; exit 0";

    /// <summary>
    /// One look at all of a login's CondoBot jobs (ended ones too, until Slurm purges them), the marker with squeue's
    /// exit status and the login node's UTC offset, then each listed session's connection file, every line prefixed
    /// with its file's name (<c>grep -H</c>); a file that does not exist yet prints nothing.
    /// </summary>
    public static string Board(ClusterUser login, IEnumerable<SessionId> sessions) =>
        ShellQuote.Join(["squeue", "--noheader", "--states=all", "--user", login.Value, $"--name={JobName}", "--format=%i|%T|%N|%L|%S|%r"])
        + $"; echo \"{PollMarker} $? $(date +%z)\"; "
        + ShellQuote.Join(["grep", "-H", "", "--", .. sessions.Select(JobScript.ConnectionFile)])
        + " 2>/dev/null; exit 0";

    /// <summary>Partition, availability, node state and count, and time limit, one line per (partition, state).</summary>
    public static string IdlePartitions() => ShellQuote.Join(["sinfo", "--noheader", "--format=%P|%a|%t|%D|%l"]);

    public static string Cancel(SlurmJobId job) => ShellQuote.Join(["scancel", job.ToString()]);
}
