using System.Text.Json;
using CondoBot.Core;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Storage.Json;
using Npgsql;

namespace CondoBot.Storage.Postgres;

/// <summary>
/// Sessions as JSON documents, as in the SQLite store: the columns beside <c>data</c> copy the fields queries filter on.
/// Saves are optimistic across replicas too: the UPDATE names the version it read, so of two replicas racing on a
/// session exactly one wins and the other gets <see cref="SessionConflictException"/>.
/// </summary>
public sealed class PostgresSessionStore(PostgresDatabase database, PostgresNoticeOutbox outbox, PostgresStepHandOver handOver) : ISessionStore
{
    private const string Insert =
        "INSERT INTO condobot.sessions (id, owner, state, job_id, created_at, ended_at, data, version) VALUES (@id, @owner, @state, @job, @created, @ended, @data, @version)";

    // A plain INSERT: adding an id twice is a bug and should fail loudly, not overwrite.
    public Task AddAsync(Session session, CancellationToken cancellationToken) => AddAsync(session, Insert, cancellationToken);

    public Task<bool> TryAddAsync(Session session, CancellationToken cancellationToken) =>
        AddAsync(session, Insert + " ON CONFLICT (id) DO NOTHING", cancellationToken);

    private async Task<bool> AddAsync(Session session, string insert, CancellationToken cancellationToken)
    {
        var added = await database.InTransactionAsync(async (connection, transaction) =>
        {
            await using (var command = PostgresDatabase.Command(connection, transaction, insert, Values(session)))
            {
                if (await command.ExecuteNonQueryAsync(cancellationToken) != 1) return false;
            }

            await PostgresStepHandOver.AppendAsync(connection, transaction, SessionStep.For(session), cancellationToken);
            return true;
        }, cancellationToken);
        if (added) handOver.Signal();
        return added;
    }

    public Task<IReadOnlyList<Session>> ListActiveAsync(CancellationToken cancellationToken) => QueryAsync(
        "SELECT data FROM condobot.sessions WHERE state <> @ended ORDER BY created_at, added",
        cancellationToken, ("ended", nameof(SessionState.Ended)));

    public Task<IReadOnlyList<Session>> ListInStateAsync(SessionState state, CancellationToken cancellationToken) => QueryAsync(
        "SELECT data FROM condobot.sessions WHERE state = @state ORDER BY created_at, added",
        cancellationToken, ("state", state.ToString()));

    public async Task<Session?> GetAsync(SessionId id, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT data FROM condobot.sessions WHERE id = @id", cancellationToken, ("id", id.ToString()))).FirstOrDefault();

    public Task<IReadOnlyList<Session>> ListAsync(ChatUserId owner, DateTimeOffset endedSince, CancellationToken cancellationToken) => QueryAsync(
        """
        SELECT data FROM condobot.sessions
        WHERE owner = @owner AND (state <> @ended OR ended_at >= @since)
        ORDER BY created_at DESC, added DESC
        """,
        cancellationToken, ("owner", owner.ToString()), ("ended", nameof(SessionState.Ended)), ("since", endedSince.ToUnixTimeMilliseconds()));

    public Task SaveAsync(Session session, IReadOnlyList<Notice> notices, CancellationToken cancellationToken) =>
        SaveAsync(session, notices, handOverStep: false, cancellationToken);

    public Task SaveAndHandOverAsync(Session session, CancellationToken cancellationToken) =>
        SaveAsync(session, [], handOverStep: true, cancellationToken);

    private async Task SaveAsync(Session session, IReadOnlyList<Notice> notices, bool handOverStep, CancellationToken cancellationToken)
    {
        var read = session.Version;
        session.Version = read + 1;
        try
        {
            await database.InTransactionAsync(async (connection, transaction) =>
            {
                var values = Values(session);
                await using (var update = PostgresDatabase.Command(connection, transaction,
                    """
                    UPDATE condobot.sessions SET state = @state, job_id = @job, ended_at = @ended, data = @data, version = @version
                    WHERE id = @id AND version = @read
                    """,
                    [.. values, ("read", read)]))
                {
                    if (await update.ExecuteNonQueryAsync(cancellationToken) != 1) throw new SessionConflictException(session.Id);
                }

                await outbox.AppendAsync(connection, transaction, notices, cancellationToken);
                if (handOverStep) await PostgresStepHandOver.AppendAsync(connection, transaction, SessionStep.For(session), cancellationToken);
                return true;
            }, cancellationToken);
        }
        catch
        {
            session.Version = read;
            throw;
        }

        if (notices.Count > 0) outbox.Signal();
        if (handOverStep) handOver.Signal();
    }

    private async Task<IReadOnlyList<Session>> QueryAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = database.Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sessions = new List<Session>();
        while (await reader.ReadAsync(cancellationToken)) sessions.Add(Parse(reader.GetString(0)));
        return sessions;
    }

    private static (string, object?)[] Values(Session session) =>
    [
        ("id", session.Id.ToString()),
        ("owner", session.Owner.ToString()),
        ("state", session.State.ToString()),
        ("job", session.JobId?.Value),
        ("created", session.CreatedAt.ToUnixTimeMilliseconds()),
        ("ended", session.EndedAt?.ToUnixTimeMilliseconds()),
        ("data", JsonSerializer.Serialize(session, StorageJson.Options)),
        ("version", session.Version),
    ];

    private static Session Parse(string data) =>
        JsonSerializer.Deserialize<Session>(data, StorageJson.Options)
        ?? throw new JsonException("A session was stored as null.");
}
