using CondoBot.Cluster.Gate;
using CondoBot.Cluster.Ssh;
using CondoBot.Core;
using CondoBot.Core.Clusters;

namespace CondoBot.Cluster.Slurm;

/// <summary>How one watch of a login's end markers ended.</summary>
public enum WatchOutcome
{
    /// <summary>It ran its time out, or every session it watched ended: start another if sessions are still ready.</summary>
    Over,

    /// <summary>Stopped by the bot (the set of ready sessions changed, or the service is stopping).</summary>
    Stopped,

    /// <summary>The gate there does not know the verb (a site-wide gate of protocol 2): the slow poll cycle alone tells ends.</summary>
    NotSupported,
}

/// <summary>
/// Watches a login's ready sessions for the end markers their jobs leave (<see cref="SlurmCommands.Watch"/>), over
/// the login's kept connection: one channel and, on the login node, a file test every 2 s, instead of a faster squeue.
/// Each ended session is handed to the caller once per watch; a marker tells only that the job is over, never how: its
/// state and times still come from Slurm, on the poll the caller brings forward.
/// </summary>
public sealed class JobEndWatch(SshRunner ssh)
{
    public async Task<Result<WatchOutcome>> WatchAsync(
        Actor actor, IReadOnlyCollection<SessionId> sessions, Func<SessionId, Task> ended, CancellationToken cancellationToken)
    {
        var watched = sessions.ToDictionary(s => s.ToString(), s => s, StringComparer.Ordinal);
        Result<RemoteOutput> run;
        try
        {
            run = await ssh.StreamAsync(actor, SlurmCommands.Watch(sessions), async line =>
            {
                if (line.StartsWith("ended ", StringComparison.Ordinal) && watched.TryGetValue(line["ended ".Length..].Trim(), out var session)) await ended(session);
            }, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return WatchOutcome.Stopped;
        }

        if (cancellationToken.IsCancellationRequested) return WatchOutcome.Stopped;
        if (!run.Succeeded) return run.Problem;
        if (GateProblems.NotTheGate("watch", run.Value) is not null) return WatchOutcome.NotSupported;
        if (run.Value.ExitStatus == 0) return WatchOutcome.Over;
        return new Problem(ProblemKind.ClusterUnavailable, $"the watch stopped with exit status {run.Value.ExitStatus}: {SlurmOutput.ErrorReason(run.Value.Stderr, "no message")}");
    }
}
