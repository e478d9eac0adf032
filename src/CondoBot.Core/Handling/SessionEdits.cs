using CondoBot.Core.Sessions;

namespace CondoBot.Core.Handling;

/// <summary>
/// Applies a command's change to a stored session, reading it again and retrying when a background step saved it
/// first; the step the changed session waits for is recorded with it (<see cref="ISessionStore.SaveAndHandOverAsync"/>).
/// </summary>
internal static class SessionEdits
{
    /// <summary>Answers the session as saved, or null when <paramref name="change"/> declined (returned false).</summary>
    public static async Task<Session?> UpdateAsync(ISessionStore sessions, SessionId id, Func<Session, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var session = await sessions.GetAsync(id, cancellationToken) ?? throw new InvalidOperationException($"Session {id} is gone.");
            if (!change(session)) return null;
            try
            {
                await sessions.SaveAndHandOverAsync(session, cancellationToken);
                return session;
            }
            catch (SessionConflictException) when (attempt < 5)
            {
                // A poll step saved in between: read the fresh state and apply the change to that.
            }
        }
    }
}
