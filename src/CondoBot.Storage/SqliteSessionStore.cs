using System.Text.Json;
using CondoBot.Core;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Storage.Json;
using SQLite;

namespace CondoBot.Storage;

/// <summary>
/// Sessions as JSON documents. The columns beside <c>data</c> copy the few fields queries filter on; <c>data</c> is
/// the truth and is what is read back.
/// </summary>
public sealed class SqliteSessionStore(SqliteDatabase database, SqliteNoticeOutbox outbox, SqliteStepHandOver handOver) : ISessionStore
{
    private const string Columns = "id, owner, state, job_id, created_at, ended_at, data, version, local_port, due_at";

    private const string InsertSql = $"INSERT INTO sessions ({Columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    public async Task AddAsync(Session session, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // A plain INSERT: adding an id twice is a bug and should fail loudly, not overwrite.
        var values = Values(session);
        var step = SessionStep.For(session);
        await database.WriteAsync(connection =>
        {
            connection.Run(InsertSql, values);
            SqliteStepHandOver.Append(connection, step);
        });
        handOver.Signal();
    }

    public async Task<bool> TryAddAsync(Session session, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var values = Values(session);
        var step = SessionStep.For(session);
        var added = await database.WriteAsync(connection =>
        {
            if (connection.Run(InsertSql + " ON CONFLICT (id) DO NOTHING", values) == 0) return false;
            SqliteStepHandOver.Append(connection, step);
            return true;
        });
        if (added) handOver.Signal();
        return added;
    }

    public Task<IReadOnlyList<Session>> ListActiveAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var data = database.Read(connection => connection.QueryScalars<string>(
            "SELECT data FROM sessions WHERE state <> ? ORDER BY created_at, rowid", nameof(SessionState.Ended)));
        IReadOnlyList<Session> sessions = [.. data.Select(Parse)];
        return Task.FromResult(sessions);
    }

    public Task<IReadOnlyList<Session>> ListActiveDueAsync(DateTimeOffset dueBefore, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // The state as a literal, as in the index's own condition.
        var data = database.Read(connection => connection.QueryScalars<string>(
            "SELECT data FROM sessions WHERE due_at < ? AND state <> 'Ended' ORDER BY due_at",
            dueBefore.ToUnixTimeMilliseconds()));
        IReadOnlyList<Session> sessions = [.. data.Select(Parse)];
        return Task.FromResult(sessions);
    }

    public Task<IReadOnlyList<Session>> ListInStateAsync(SessionState state, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var data = database.Read(connection => connection.QueryScalars<string>(
            "SELECT data FROM sessions WHERE state = ? ORDER BY created_at, rowid", state.ToString()));
        IReadOnlyList<Session> sessions = [.. data.Select(Parse)];
        return Task.FromResult(sessions);
    }

    public Task<Session?> GetAsync(SessionId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var data = database.Read(connection =>
            connection.Rows("SELECT data FROM sessions WHERE id = ?", row => row.Text(0), id.ToString()));
        return Task.FromResult(data.Count == 0 ? null : Parse(data[0]));
    }

    public Task<IReadOnlyList<Session>> ListAsync(ChatUserId owner, DateTimeOffset endedSince, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var data = database.Read(connection => connection.QueryScalars<string>(
            """
            SELECT data FROM sessions
            WHERE owner = ? AND (state <> ? OR ended_at >= ?)
            ORDER BY created_at DESC, rowid DESC
            """,
            owner.ToString(), nameof(SessionState.Ended), endedSince.ToUnixTimeMilliseconds()));
        IReadOnlyList<Session> sessions = [.. data.Select(Parse)];
        return Task.FromResult(sessions);
    }

    /// <summary>The port for the owner's next session, from the partial index on active ports: no document is read.</summary>
    public Task<int> FreeLocalPortAsync(ChatUserId owner, int wanted, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Both look-ups are seeks in the partial index (owner, local_port); the state is a literal, as in the index's own
        // condition, so SQLite can tell the index applies.
        var port = database.Read(connection => (int)connection.Rows(FreeLocalPortSql, row => row.Long(0), owner.ToString(), wanted)[0]);
        return Task.FromResult(port);
    }

    /// <summary>The owner (?1) and the wanted port (?2) in; the port to give out.</summary>
    internal const string FreeLocalPortSql =
        "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM sessions WHERE owner = ?1 AND local_port = ?2 AND state <> 'Ended') " +
        "THEN ?2 ELSE (SELECT MAX(local_port) FROM sessions WHERE owner = ?1 AND state <> 'Ended') + 1 END";

    public Task SaveAsync(Session session, IReadOnlyList<Notice> notices, CancellationToken cancellationToken) =>
        SaveAsync(session, notices, handOverStep: false, cancellationToken);

    public Task SaveAndHandOverAsync(Session session, CancellationToken cancellationToken) =>
        SaveAsync(session, [], handOverStep: true, cancellationToken);

    private async Task SaveAsync(Session session, IReadOnlyList<Notice> notices, bool handOverStep, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var read = session.Version;
        session.Version = read + 1;
        bool saved;
        try
        {
            // Serialised and sealed here, so the commit thread only runs statements.
            var values = Values(session);
            var sealedNotices = outbox.SealAll(notices);
            SessionStep? step = handOverStep ? SessionStep.For(session) : null;
            saved = await database.WriteAsync(connection =>
            {
                if (!Update(connection, values, read)) return false;
                outbox.Append(connection, sealedNotices);
                if (step is { } recorded) SqliteStepHandOver.Append(connection, recorded);
                return true;
            });
        }
        catch
        {
            session.Version = read;
            throw;
        }

        if (!saved)
        {
            session.Version = read;
            throw new SessionConflictException(session.Id);
        }

        if (notices.Count > 0) outbox.Signal();
        if (handOverStep) handOver.Signal();
    }

    /// <summary>Writes the session only over the version it was read at; answers false when another save came first.</summary>
    private static bool Update(SQLiteConnection connection, object?[] v, int readVersion)
    {
        return connection.Run(
            """
            UPDATE sessions SET state = ?, job_id = ?, ended_at = ?, data = ?, version = ?, local_port = ?, due_at = ?
            WHERE id = ? AND version = ?
            """,
            v[2], v[3], v[5], v[6], v[7], v[8], v[9], v[0], readVersion) == 1;
    }

    private static object?[] Values(Session session) =>
    [
        session.Id.ToString(),
        session.Owner.ToString(),
        session.State.ToString(),
        session.JobId?.Value,
        session.CreatedAt.ToUnixTimeMilliseconds(),
        session.EndedAt?.ToUnixTimeMilliseconds(),
        JsonSerializer.Serialize(session, StorageJson.Options),
        session.Version,
        session.LocalPort,
        (session.NextStepAt ?? session.CreatedAt).ToUnixTimeMilliseconds(),
    ];

    private static Session Parse(string data) =>
        JsonSerializer.Deserialize<Session>(data, StorageJson.Options)
        ?? throw new JsonException("A session was stored as null.");
}
