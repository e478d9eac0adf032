using CondoBot.Core.Notices;

namespace CondoBot.Core.Sessions;

/// <summary>
/// Durable sessions. Saving a session and the notices its change produced is one atomic step, and it is optimistic:
/// a save of a session that someone else saved since it was read fails with <see cref="SessionConflictException"/>
/// and changes nothing, so two steps can never silently undo each other.
/// </summary>
public interface ISessionStore
{
    /// <summary>Adds the session and records its submission step with it (see <see cref="IStepHandOver"/>).</summary>
    Task AddAsync(Session session, CancellationToken cancellationToken);

    /// <summary>Adds the session and its submission step unless one with its id exists; answers whether it was added.</summary>
    Task<bool> TryAddAsync(Session session, CancellationToken cancellationToken);

    /// <summary>Every session not yet ended, of every user (for the watchdog).</summary>
    Task<IReadOnlyList<Session>> ListActiveAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Every session in <paramref name="state"/>, of every user: for a watcher that cares about one state (the end
    /// watch, Ready), so that thousands of sessions in another (a backlog still submitting) cost it nothing. A store
    /// answers it from its state index; this default filters <see cref="ListActiveAsync"/>.
    /// </summary>
    /// <summary>
    /// The active sessions whose next step was due before <paramref name="dueBefore"/> (<see cref="Session.NextStepAt"/>,
    /// or when they were created): for the watchdog, which looks only at sessions late enough to be overdue, so a
    /// healthy backlog of thousands costs it one index read. A store answers it from an index; this default filters
    /// <see cref="ListActiveAsync"/>.
    /// </summary>
    async Task<IReadOnlyList<Session>> ListActiveDueAsync(DateTimeOffset dueBefore, CancellationToken cancellationToken) =>
        [.. (await ListActiveAsync(cancellationToken)).Where(s => (s.NextStepAt ?? s.CreatedAt) < dueBefore)];

    async Task<IReadOnlyList<Session>> ListInStateAsync(SessionState state, CancellationToken cancellationToken) =>
        [.. (await ListActiveAsync(cancellationToken)).Where(s => s.State == state)];

    Task<Session?> GetAsync(SessionId id, CancellationToken cancellationToken);

    /// <summary>The user's sessions, newest first: every active one and the ended ones since <paramref name="endedSince"/>.</summary>
    Task<IReadOnlyList<Session>> ListAsync(ChatUserId owner, DateTimeOffset endedSince, CancellationToken cancellationToken);

    /// <summary>
    /// The local port <c>start</c> gives a new session of the user: <paramref name="wanted"/> if none of the user's active
    /// sessions uses it, otherwise the port after the highest they use. Two look-ups in an index, however many sessions
    /// the user has (a gap below the highest is not searched for: that walk grew with the user's sessions). A store may
    /// answer it without reading the sessions whole; this default reads them.
    /// </summary>
    async Task<int> FreeLocalPortAsync(ChatUserId owner, int wanted, CancellationToken cancellationToken) =>
        LocalPorts.Free(wanted, (await ListAsync(owner, DateTimeOffset.MaxValue, cancellationToken)).Where(s => s.State.IsActive()).Select(s => s.LocalPort).ToList());

    /// <summary>
    /// Saves the session and queues the notices in the same transaction, if the stored session still has the
    /// <see cref="Session.Version"/> this one was read with; then increments the version.
    /// </summary>
    Task SaveAsync(Session session, IReadOnlyList<Notice> notices, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the session as <see cref="SaveAsync"/> does and records, in the same transaction, the step it now waits
    /// for (<see cref="SessionStep.For"/>): what a chat command that changes a session uses, so that once it has
    /// answered, the work it set off is on disk too.
    /// </summary>
    Task SaveAndHandOverAsync(Session session, CancellationToken cancellationToken);
}

/// <summary>The session changed since it was read; reload it and try again.</summary>
public sealed class SessionConflictException(SessionId id)
    : Exception($"Session {id} was changed by another step since it was read.")
{
    public SessionId Session { get; } = id;
}

/// <summary>A submission step held its claim too long without renewing it (a stalled process); a later step looks again.</summary>
public sealed class SubmissionLeaseLostException(SessionId id)
    : Exception($"The submission claim on session {id} ran out before sbatch; another step may have taken it over.")
{
    public SessionId Session { get; } = id;
}
