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
public sealed class SqliteSessionStore(SqliteDatabase database, SqliteNoticeOutbox outbox) : ISessionStore
{
    private const string Columns = "id, owner, state, job_id, created_at, ended_at, data";

    public Task AddAsync(Session session, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // A plain INSERT: adding an id twice is a bug and should fail loudly, not overwrite.
        database.Write(connection => connection.Execute(
            $"INSERT INTO sessions ({Columns}) VALUES (?, ?, ?, ?, ?, ?, ?)", Values(session)));
        return Task.CompletedTask;
    }

    public Task<Session?> GetAsync(SessionId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var data = database.Read(connection =>
            connection.QueryScalars<string>("SELECT data FROM sessions WHERE id = ?", id.ToString()));
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

    public Task SaveAsync(Session session, IReadOnlyList<Notice> notices, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        database.Write(connection =>
        {
            Upsert(connection, session);
            outbox.Append(connection, notices);
        });
        if (notices.Count > 0) outbox.Signal();
        return Task.CompletedTask;
    }

    private static void Upsert(SQLiteConnection connection, Session session) => connection.Execute(
        $"""
        INSERT INTO sessions ({Columns}) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET
            state = excluded.state, job_id = excluded.job_id, ended_at = excluded.ended_at, data = excluded.data
        """,
        Values(session));

    private static object?[] Values(Session session) =>
    [
        session.Id.ToString(),
        session.Owner.ToString(),
        session.State.ToString(),
        session.JobId?.Value,
        session.CreatedAt.ToUnixTimeMilliseconds(),
        session.EndedAt?.ToUnixTimeMilliseconds(),
        JsonSerializer.Serialize(session, StorageJson.Options),
    ];

    private static Session Parse(string data) =>
        JsonSerializer.Deserialize<Session>(data, StorageJson.Options)
        ?? throw new JsonException("A session was stored as null.");
}
