using System.Text.Json;
using CondoBot.Core.Notices;
using CondoBot.Storage.Json;
using SQLite;

namespace CondoBot.Storage;

/// <summary>
/// The outbox as a table. Notices are sealed before they are written, because some carry a JupyterLab token: nothing
/// in the file is readable without the key ring. The session store queues through <see cref="Append"/> so that a
/// session's change and its notices commit together.
/// </summary>
public sealed class SqliteNoticeOutbox(
    SqliteDatabase database,
    ISecretProtector protector,
    OutboxSignal signal,
    TimeProvider time) : INoticeOutbox
{
    public Task AddAsync(Notice notice, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        database.Write(connection => Append(connection, [notice]));
        signal.Notify();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Due notices, oldest first. A notice also waits while an earlier one to the same person is postponed, so order
    /// per person holds across rounds, not only within one.
    /// </summary>
    public Task<IReadOnlyList<PendingNotice>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var at = now.ToUnixTimeMilliseconds();
        var rows = database.Read(connection => connection.Query<OutboxRow>(
            """
            SELECT seq, payload, attempts FROM outbox AS o
            WHERE o.due_at <= ?
              AND NOT EXISTS (SELECT 1 FROM outbox AS earlier
                              WHERE earlier.recipient = o.recipient AND earlier.seq < o.seq AND earlier.due_at > ?)
            ORDER BY o.seq
            LIMIT ?
            """,
            at, at, max));
        IReadOnlyList<PendingNotice> due = [.. rows.Select(row => new PendingNotice(row.Seq, Open(row.Payload), row.Attempts))];
        return Task.FromResult(due);
    }

    public Task CompleteAsync(long sequence, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        database.Write(connection => connection.Execute("DELETE FROM outbox WHERE seq = ?", sequence));
        return Task.CompletedTask;
    }

    public Task PostponeAsync(long sequence, DateTimeOffset until, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        database.Write(connection => connection.Execute(
            "UPDATE outbox SET due_at = ?, attempts = attempts + 1 WHERE seq = ?", until.ToUnixTimeMilliseconds(), sequence));
        return Task.CompletedTask;
    }

    /// <summary>Queues <paramref name="notices"/> inside the caller's transaction; the caller signals after it commits.</summary>
    internal void Append(SQLiteConnection connection, IReadOnlyList<Notice> notices)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var notice in notices)
        {
            connection.Execute(
                "INSERT INTO outbox (recipient, payload, attempts, due_at, created_at) VALUES (?, ?, 0, ?, ?)",
                notice.To.ToString(), Seal(notice), now, now);
        }
    }

    /// <summary>Wakes the dispatcher; called once the notices are committed, so it never wakes to an empty table.</summary>
    internal void Signal() => signal.Notify();

    private byte[] Seal(Notice notice) => protector.Protect(JsonSerializer.SerializeToUtf8Bytes<Notice>(notice, StorageJson.Options));

    private Notice Open(byte[] payload) =>
        JsonSerializer.Deserialize<Notice>(protector.Unprotect(payload), StorageJson.Options)
        ?? throw new JsonException("A queued notice was stored as null.");
}
