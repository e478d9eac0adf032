using CondoBot.Core;
using CondoBot.Core.Clusters;

namespace CondoBot.Cluster.Slurm;

/// <summary>What one look at a login's jobs saw: squeue's exit status and lines by job, the connection files by session.</summary>
public sealed record BoardOutput(
    int SqueueExit,
    TimeSpan UtcOffset,
    IReadOnlyDictionary<SlurmJobId, string> Lines,
    IReadOnlyDictionary<SessionId, string> Connections)
{
    /// <summary>The job as this look saw it; null when squeue did not list it.</summary>
    public JobSnapshot? Find(SlurmJobId job, SessionId session) =>
        Lines.TryGetValue(job, out var line) ? SlurmOutput.ParseJobLine(line, UtcOffset, Connections.GetValueOrDefault(session, "")) : null;
}
