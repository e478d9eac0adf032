using CondoBot.Core;
using CondoBot.Core.Sessions;

namespace CondoBot.Storage;

/// <summary>
/// Submission claims as rows. Each change is its own committed write, so a claim is on disk before the sbatch it
/// guards runs; taking one is a single upsert that succeeds only over a free or run-out claim.
/// </summary>
public sealed class SqliteSubmissionClaims(SqliteDatabase database) : ISubmissionClaims
{
    public async Task<bool> TryTakeAsync(SessionId session, Guid holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var taken = await database.WriteAsync(connection => connection.Run(
            """
            INSERT INTO submission_claims (session_id, holder, held_until) VALUES (?, ?, ?)
            ON CONFLICT (session_id) DO UPDATE SET holder = excluded.holder, held_until = excluded.held_until
            WHERE submission_claims.held_until <= ?
            """,
            session.ToString(), holder.ToString(), until.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds()));
        return taken == 1;
    }

    public async Task<bool> RenewAsync(SessionId session, Guid holder, DateTimeOffset until, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var renewed = await database.WriteAsync(connection => connection.Run(
            "UPDATE submission_claims SET held_until = ? WHERE session_id = ? AND holder = ?",
            until.ToUnixTimeMilliseconds(), session.ToString(), holder.ToString()));
        return renewed == 1;
    }

    public Task ReleaseAsync(SessionId session, Guid holder, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return database.WriteAsync(connection => connection.Run(
            "DELETE FROM submission_claims WHERE session_id = ? AND holder = ?", session.ToString(), holder.ToString()));
    }

    public Task<IReadOnlyList<SessionId>> RunOutAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Only sessions still active: an ended session's claim is of no interest, however many are left.
        var ids = database.Read(connection => connection.QueryScalars<string>(
            """
            SELECT c.session_id FROM submission_claims c JOIN sessions s ON s.id = c.session_id
            WHERE c.held_until <= ? AND s.state <> 'Ended'
            """,
            now.ToUnixTimeMilliseconds()));
        var found = new List<SessionId>(ids.Count);
        foreach (var id in ids)
        {
            if (SessionId.TryParse(id, out var parsed)) found.Add(parsed);
        }

        return Task.FromResult<IReadOnlyList<SessionId>>(found);
    }

    public Task<DateTimeOffset?> ClaimedUntilAsync(SessionId session, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var until = database.Read(connection => connection.QueryScalars<long>(
            "SELECT held_until FROM submission_claims WHERE session_id = ?", session.ToString()));
        return Task.FromResult(until.Count == 0 ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(until[0]));
    }
}
