namespace CondoBot.Core.Clusters;

/// <summary>
/// A job as the cluster saw it at one moment. <see cref="StartTime"/> and <see cref="EndTime"/> are Slurm's own (squeue's
/// <c>%S</c> and <c>%e</c>) once the job has started: for a running job the end is when its walltime runs out, for an
/// ended one when it ended. They are what usage is counted from, never the moment the bot happened to look.
/// </summary>
public sealed record JobSnapshot(
    JobPhase Phase,
    string RawState,
    string? Node,
    TimeSpan? TimeLeft,
    string? PendingReason,
    JupyterEndpoint? Jupyter,
    DateTimeOffset? ExpectedStart = null)
{
    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? EndTime { get; init; }

    /// <summary>How many nodes Slurm gave the job (<c>%D</c>); null when the gate did not say.</summary>
    public int? NodeCount { get; init; }

    /// <summary>JupyterLab's own activity, from the file the job keeps next to its connection file; null until written.</summary>
    public LabActivity? Activity { get; init; }
}

/// <summary>Slurm's many states folded into the few a user cares about; the raw state is kept for display.</summary>
public enum JobPhase
{
    Pending,
    Running,
    /// <summary>Completing, or anything transient between running and gone.</summary>
    Ending,
    Completed,
    Cancelled,
    TimedOut,
    Failed,
    NodeFailed,
    OutOfMemory,
    Preempted,
    /// <summary>Slurm no longer knows the job (finished and purged); how it ended is lost.</summary>
    Gone,
    /// <summary>
    /// A state this build does not know (a newer Slurm's, a site plugin's). Not final: the job may still be running, so
    /// the session keeps watching it and shows the raw state, rather than ending it with no <c>scancel</c>.
    /// </summary>
    Unknown,
}

/// <summary>
/// Where JupyterLab answers, read from the connection file the job writes once it is up: a TCP port of the node, or
/// (on a cluster with node SSH) a Unix socket on the node and no port at all.
/// </summary>
public sealed record JupyterEndpoint(string Node, int? Port, string Token)
{
    /// <summary>The path of JupyterLab's Unix socket on the node; null when it listens on <see cref="Port"/>.</summary>
    public string? Socket { get; init; }

    /// <summary>JupyterLab took over the token of the session it follows (a renewal), so an open browser tab's URL still works.</summary>
    public bool TokenKept { get; init; }

    public static JupyterEndpoint OnSocket(string node, string socket, string token) => new(node, null, token) { Socket = socket };

    public override string ToString() => Socket is null ? $"{Node}:{Port} (token hidden)" : $"{Node}:{Socket} (token hidden)";
}

public static class JobPhases
{
    public static bool IsFinal(this JobPhase phase) => phase is not (JobPhase.Pending or JobPhase.Running or JobPhase.Ending or JobPhase.Unknown);

    /// <summary>Folds a Slurm state code (long or short form) into a phase.</summary>
    public static JobPhase FromSlurm(string state) => state.Trim().ToUpperInvariant() switch
    {
        "PENDING" or "PD" or "CONFIGURING" or "CF" or "REQUEUED" or "RQ" or "REQUEUE_HOLD" or "REQUEUE_FED" or "RESIZING" or "RS"
            or "SUSPENDED" or "S" or "STOPPED" or "ST" or "RESV_DEL_HOLD" => JobPhase.Pending,
        "RUNNING" or "R" or "SIGNALING" or "SI" or "STAGE_OUT" or "SO" => JobPhase.Running,
        "COMPLETING" or "CG" => JobPhase.Ending,
        "COMPLETED" or "CD" => JobPhase.Completed,
        "CANCELLED" or "CA" or "REVOKED" or "RV" or "SPECIAL_EXIT" or "SE" => JobPhase.Cancelled,
        "TIMEOUT" or "TO" or "DEADLINE" or "DL" => JobPhase.TimedOut,
        "NODE_FAIL" or "NF" or "BOOT_FAIL" or "BF" => JobPhase.NodeFailed,
        "OUT_OF_MEMORY" or "OOM" => JobPhase.OutOfMemory,
        "PREEMPTED" or "PR" => JobPhase.Preempted,
        "FAILED" or "F" => JobPhase.Failed,
        _ => JobPhase.Unknown,
    };
}
