using System.Globalization;
using CondoBot.Core;
using CondoBot.Core.Clusters;

namespace CondoBot.Cluster.Slurm;

/// <summary>
/// What the bot asks the gate on the login node (<c>Gate/condobot-gate.sh</c>): a verb and arguments, words of
/// letters, digits and <c>=:._-</c> only, each already validated by the command parser or made by the bot. The gate
/// checks them again and runs the Slurm commands itself; their output formats are the ones <see cref="SlurmOutput"/> reads.
/// </summary>
public static class SlurmCommands
{
    public const string JobName = "condobot";

    /// <summary>The marker between squeue's answer and the connection file in a poll's output.</summary>
    public const string PollMarker = "@@condobot squeue-exit";

    public static string Comment(SessionId session) => $"condobot:{session}";

    public const string Version = "version";

    public const string Identity = "identity";

    public const string Revoke = "revoke";

    /// <summary>
    /// The submit verb. The gate writes the job script from these values and its settings for the cluster, and runs
    /// <c>sbatch --parsable --job-name=condobot --comment=condobot:SESSION [--account A] [--partition P]
    /// [--gpus-per-node=G] [--dependency=afterany:JOB] --nodes N --time T --output=.condobot/slurm-%j.out</c>.
    /// </summary>
    public static string Submit(string cluster, JobRequest request)
    {
        var words = new List<string>
        {
            "submit",
            $"cluster={cluster}",
            $"session={request.Session}",
            $"port={request.NodePort.ToString(CultureInfo.InvariantCulture)}",
            $"nodes={request.Nodes.ToString(CultureInfo.InvariantCulture)}",
            $"time={request.Walltime.ToSlurm()}",
        };
        if (request.Account.Length > 0) words.Add($"account={request.Account}");
        if (request.Partition.Length > 0) words.Add($"partition={request.Partition}");
        if (request.Gpus > 0) words.Add($"gpus={request.Gpus.ToString(CultureInfo.InvariantCulture)}");
        if (request.After is { } first) words.Add($"after={first}");
        if (request.Environment.Length > 0) words.Add($"env={request.Environment}");
        if (request.KeepTokenOf is { } kept && request.After is not null) words.Add($"keep={kept}");
        return Words(words);
    }

    /// <summary>The login's CondoBot jobs as <c>%i|%k</c> (id and comment), to find a session's job.</summary>
    public static string FindBySession() => "sessions";

    /// <summary>One job (<c>%i|%T|%N|%L|%S|%r|%e|%D</c>), the marker with squeue's exit status and UTC offset, then the connection file.</summary>
    public static string Poll(SlurmJobId job, SessionId session) => Words(["poll", job.ToString(), session.ToString()]);

    /// <summary>
    /// One look at all of a login's CondoBot jobs (ended ones too, until Slurm purges them), the marker with squeue's
    /// exit status and the login node's UTC offset, then each listed session's connection file, every line prefixed
    /// with its file's name (<c>grep -H</c>); a file that does not exist yet prints nothing.
    /// </summary>
    public static string Board(IEnumerable<SessionId> sessions) => Words(["board", .. sessions.Select(s => s.ToString())]);

    /// <summary>
    /// A long-lived look at the sessions' end markers (file tests every 2 s on the login node, no Slurm command):
    /// <c>ended SESSION</c> once per session whose job has ended, <see cref="WatchAlive"/> every 30 s, and
    /// <see cref="WatchOver"/> when it ran its time out (minutes) and should be started again.
    /// </summary>
    public static string Watch(IEnumerable<SessionId> sessions) => Words(["watch", .. sessions.Select(s => s.ToString())]);

    public const string WatchAlive = "@@condobot watching";

    public const string WatchOver = "@@condobot watch-over";

    /// <summary>Partition, availability, node state and count, and time limit, one line per (partition, state).</summary>
    public static string IdlePartitions() => "partitions";

    /// <summary>Cancels the job if it is one of the login's CondoBot jobs; scancel's own messages otherwise.</summary>
    public static string Cancel(SlurmJobId job) => Words(["cancel", job.ToString()]);

    /// <summary>The last lines of the job's output file, with anything like a token hidden by the gate.</summary>
    public static string Output(SlurmJobId job) => Words(["output", job.ToString()]);

    private static string Words(IEnumerable<string> words)
    {
        var line = string.Join(' ', words);
        if (line.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is ' ' or '=' or ':' or '.' or '_' or '-')))
        {
            throw new ArgumentException("A gate request holds only letters, digits and =:._- (a value was not validated).");
        }

        return line;
    }
}
