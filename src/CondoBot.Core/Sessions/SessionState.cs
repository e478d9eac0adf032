namespace CondoBot.Core.Sessions;

/// <summary>Where a session is in its life. Only forward moves happen; <see cref="Ended"/> is final.</summary>
public enum SessionState
{
    /// <summary>Recorded; the job is being submitted.</summary>
    Submitting,
    /// <summary>Slurm accepted the job; it waits for nodes.</summary>
    Queued,
    /// <summary>The job runs; JupyterLab is not answering yet.</summary>
    Starting,
    /// <summary>JupyterLab answers; the user has the tunnel instructions.</summary>
    Ready,
    /// <summary>The user asked to stop; the job is being cancelled.</summary>
    Stopping,
    Ended,
}

/// <summary>Why a session ended, in terms a user cares about.</summary>
public enum EndReason
{
    StoppedByUser,
    /// <summary>Stopped by the bot: JupyterLab stayed idle and the owner did not answer the idle question.</summary>
    StoppedAsIdle,
    WalltimeReached,
    Completed,
    Cancelled,
    Failed,
    NodeFailure,
    OutOfMemory,
    Preempted,
    RejectedBySlurm,
    NotAuthorized,
    ClusterUnreachable,
    /// <summary>Slurm forgot the job before the bot saw how it ended.</summary>
    Vanished,
    /// <summary>A follow-on whose predecessor ended in a way that means it can never start.</summary>
    DependencyNeverSatisfied,
}

public static class SessionStates
{
    public static bool IsActive(this SessionState state) => state != SessionState.Ended;

    public static string Describe(this EndReason reason) => reason switch
    {
        EndReason.StoppedByUser => "stopped by you",
        EndReason.StoppedAsIdle => "stopped as idle (JupyterLab had no activity, and the idle question had no answer)",
        EndReason.WalltimeReached => "walltime reached",
        EndReason.Completed => "JupyterLab exited (shut down from its menu, or finished)",
        EndReason.Cancelled => "cancelled on the cluster",
        EndReason.Failed => "the job failed",
        EndReason.NodeFailure => "node failure",
        EndReason.OutOfMemory => "out of memory",
        EndReason.Preempted => "preempted by a higher-priority job",
        EndReason.RejectedBySlurm => "Slurm refused the job",
        EndReason.NotAuthorized => "the bot could not log in with your key",
        EndReason.ClusterUnreachable => "the login node could not be reached",
        EndReason.Vanished => "the job finished (Slurm no longer has its details)",
        EndReason.DependencyNeverSatisfied => "it could never start, because the session it was to follow did not end as expected",
        _ => reason.ToString(),
    };
}
