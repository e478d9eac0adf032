using CondoBot.Core.Notices;

namespace CondoBot.Core.Sessions;

/// <summary>Durable sessions. Saving a session and the notices its change produced is one atomic step.</summary>
public interface ISessionStore
{
    Task AddAsync(Session session, CancellationToken cancellationToken);

    Task<Session?> GetAsync(SessionId id, CancellationToken cancellationToken);

    /// <summary>The user's sessions, newest first: every active one and the ended ones since <paramref name="endedSince"/>.</summary>
    Task<IReadOnlyList<Session>> ListAsync(ChatUserId owner, DateTimeOffset endedSince, CancellationToken cancellationToken);

    /// <summary>Saves the session and queues the notices in the same transaction.</summary>
    Task SaveAsync(Session session, IReadOnlyList<Notice> notices, CancellationToken cancellationToken);
}
