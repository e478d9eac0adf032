namespace CondoBot.Core.Clusters;

/// <summary>
/// The scheduler seam: everything the bot does on a cluster, as the linked user, through their delegated key.
/// Expected failures (Slurm rejections, an unauthorized key, an unreachable login node) come back as problems.
/// </summary>
public interface ICluster
{
    /// <summary>Logs in anew and asks the gate who the key acts as; tells whether the user's key and gate work.</summary>
    Task<Result<string>> CheckLoginAsync(Actor actor, CancellationToken cancellationToken);

    Task<Result<SlurmJobId>> SubmitAsync(Actor actor, JobRequest request, CancellationToken cancellationToken);

    /// <summary>Finds a job of the user's that carries this session's id, so a retried submission never submits twice.</summary>
    Task<Result<SlurmJobId?>> FindJobAsync(Actor actor, SessionId session, CancellationToken cancellationToken);

    /// <summary>The job's state and, once JupyterLab answers, its connection details.</summary>
    Task<Result<JobSnapshot>> GetJobAsync(Actor actor, SlurmJobId job, SessionId session, CancellationToken cancellationToken);

    /// <summary>Partitions with idle nodes right now, for a hint to a user whose job waits long.</summary>
    Task<Result<IReadOnlyList<IdlePartition>>> IdlePartitionsAsync(Actor actor, CancellationToken cancellationToken);

    /// <summary>Every available partition with its node counts and time limit, for a start form's pick list.</summary>
    Task<Result<IReadOnlyList<ClusterPartition>>> PartitionsAsync(Actor actor, CancellationToken cancellationToken);

    /// <summary>
    /// Has the gate remove the key's own line from <c>authorized_keys</c> (before the bot forgets the key); true when
    /// a line was removed, false when none was there any more.
    /// </summary>
    Task<Result<bool>> RemoveKeyAsync(Actor actor, CancellationToken cancellationToken);

    /// <summary>
    /// The last lines of the job's output (at most 40, anything like a token hidden), to explain a job that ended
    /// before JupyterLab answered; empty when it left none.
    /// </summary>
    Task<Result<IReadOnlyList<string>>> JobOutputAsync(Actor actor, SlurmJobId job, CancellationToken cancellationToken);

    /// <summary>Cancels the job; a job that is already gone counts as cancelled.</summary>
    Task<Result<bool>> CancelAsync(Actor actor, SlurmJobId job, CancellationToken cancellationToken);
}

/// <summary>Who acts: the chat user (whose delegated key is used), as which cluster login, on which cluster.</summary>
public sealed record Actor(ChatUserId ChatUser, ClusterUser Login, string Cluster);

/// <summary>A partition and how many of its nodes are idle.</summary>
public sealed record IdlePartition(string Name, int IdleNodes, TimeSpan? MaxTime);
