namespace CondoBot.Core.Sessions;

/// <summary>
/// The durable hand-over from a command to its background step. The session store records a <see cref="SessionStep"/>
/// in the transaction that adds or changes the session (<see cref="ISessionStore.AddAsync"/>,
/// <see cref="ISessionStore.SaveAndHandOverAsync"/>); a pump reads the recorded steps, queues each on the job queue,
/// and only then marks it done. Invariant: every recorded step is queued at least once, by this process or, after a
/// crash, by the next one or another replica; queueing one twice is harmless, since every step is safe to run twice.
/// </summary>
public interface IStepHandOver
{
    /// <summary>
    /// Recorded steps not yet marked done, newest first (under a backlog, what was just answered goes ahead of what a
    /// dead process left; every step is safe in any order, since each reads its session's current state); on a shared
    /// database, steps another replica is handing over are skipped.
    /// </summary>
    Task<IReadOnlyList<HandedOverStep>> PendingAsync(int max, CancellationToken cancellationToken);

    /// <summary>Marks the steps queued; they are not handed out again.</summary>
    Task DoneAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken);

    /// <summary>Completes when this process has recorded a step since the last call, or after <paramref name="timeout"/>.</summary>
    Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>A recorded step and its place in the hand-over.</summary>
public sealed record HandedOverStep(long Sequence, SessionStep Step);
