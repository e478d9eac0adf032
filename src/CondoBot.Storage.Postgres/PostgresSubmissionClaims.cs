using CondoBot.Core;
using CondoBot.Core.Sessions;

namespace CondoBot.Storage.Postgres;

/// <summary>
/// Submission claims as rows shared by every replica. Taking one is a single upsert that succeeds only over a free or
/// run-out claim; PostgreSQL serialises two replicas racing on the same row, so exactly one of them takes it.
/// </summary>
public sealed class PostgresSubmissionClaims(PostgresDatabase database) : ISubmissionClaims
{
    public async Task<bool> TryTakeAsync(SessionId session, Guid holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var command = database.Command(
            """
            INSERT INTO condobot.submission_claims (session_id, holder, held_until) VALUES (@session, @holder, @until)
            ON CONFLICT (session_id) DO UPDATE SET holder = excluded.holder, held_until = excluded.held_until
            WHERE condobot.submission_claims.held_until <= @now
            """,
            ("session", session.ToString()), ("holder", holder), ("until", until.ToUnixTimeMilliseconds()), ("now", now.ToUnixTimeMilliseconds()));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> RenewAsync(SessionId session, Guid holder, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var command = database.Command(
            "UPDATE condobot.submission_claims SET held_until = @until WHERE session_id = @session AND holder = @holder",
            ("until", until.ToUnixTimeMilliseconds()), ("session", session.ToString()), ("holder", holder));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task ReleaseAsync(SessionId session, Guid holder, CancellationToken cancellationToken)
    {
        await using var command = database.Command(
            "DELETE FROM condobot.submission_claims WHERE session_id = @session AND holder = @holder",
            ("session", session.ToString()), ("holder", holder));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SessionId>> RunOutAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.Command(
            """
            SELECT c.session_id FROM condobot.submission_claims c JOIN condobot.sessions s ON s.id = c.session_id
            WHERE c.held_until <= @now AND s.state <> 'Ended'
            """,
            ("now", now.ToUnixTimeMilliseconds()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<SessionId>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (SessionId.TryParse(reader.GetString(0), out var id)) ids.Add(id);
        }

        return ids;
    }

    public async Task<DateTimeOffset?> ClaimedUntilAsync(SessionId session, CancellationToken cancellationToken)
    {
        await using var command = database.Command(
            "SELECT held_until FROM condobot.submission_claims WHERE session_id = @session", ("session", session.ToString()));
        return await command.ExecuteScalarAsync(cancellationToken) is long until ? DateTimeOffset.FromUnixTimeMilliseconds(until) : null;
    }
}
