using CondoBot.Core;
using CondoBot.Core.Diagnostics;
using CondoBot.Core.Notices;
using Microsoft.Extensions.Logging;
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
    TimeProvider time,
    ILogger<SqliteNoticeOutbox>? logger = null,
    CondoBotMetrics? metrics = null) : INoticeOutbox
{
    private readonly OutboxRows _rows = new(protector, logger, metrics);

    public async Task AddAsync(Notice notice, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var sealedNotice = Seal(notice);
        await database.WriteAsync(connection => Insert(connection, notice.To, sealedNotice));
        signal.Notify();
    }

    /// <summary>
    /// Due notices, in turns: each person's oldest, then each person's second oldest, and so on, so a backlog of one
    /// person's (or fifty people's) notices does not hold up a new person's. A notice also waits while an earlier one
    /// to the same person is postponed, so order per person holds across rounds, not only within one. Rows are opened one at a time; one that cannot be opened
    /// is set aside (and no longer holds up that person's later notices).
    /// </summary>
    public async Task<IReadOnlyList<PendingNotice>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var at = now.ToUnixTimeMilliseconds();
        var rows = database.Read(connection => connection.Query<OutboxRow>(
            """
            SELECT seq, recipient, payload, attempts FROM (
                SELECT o.seq, o.recipient, o.payload, o.attempts,
                       ROW_NUMBER() OVER (PARTITION BY o.recipient ORDER BY o.seq) AS turn
                FROM outbox AS o
                WHERE o.set_aside_at IS NULL AND o.due_at <= ?
                  AND NOT EXISTS (SELECT 1 FROM outbox AS earlier
                                  WHERE earlier.recipient = o.recipient AND earlier.seq < o.seq
                                    AND earlier.set_aside_at IS NULL AND earlier.due_at > ?))
            ORDER BY turn, seq
            LIMIT ?
            """,
            at, at, max));
        var due = new List<PendingNotice>(rows.Count);
        foreach (var row in rows)
        {
            if (_rows.TryOpen(row.Seq, row.Recipient, row.Payload) is { } notice)
            {
                due.Add(new PendingNotice(row.Seq, notice, row.Attempts));
                continue;
            }

            var seq = row.Seq;
            var aside = time.GetUtcNow().ToUnixTimeMilliseconds();
            await database.WriteAsync(connection => connection.Execute("UPDATE outbox SET set_aside_at = ? WHERE seq = ?", aside, seq));
        }

        return due;
    }

    public Task CompleteAsync(long sequence, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return database.WriteAsync(connection => connection.Run("DELETE FROM outbox WHERE seq = ?", sequence));
    }

    public Task PostponeAsync(long sequence, DateTimeOffset until, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return database.WriteAsync(connection => connection.Execute(
            "UPDATE outbox SET due_at = ?, attempts = attempts + 1 WHERE seq = ?", until.ToUnixTimeMilliseconds(), sequence));
    }

    /// <summary>
    /// Seals <paramref name="notices"/> for <see cref="Append"/>. Sealing is done before the write, so the commit thread
    /// only runs statements.
    /// </summary>
    internal IReadOnlyList<(ChatUserId To, byte[] Payload)> SealAll(IReadOnlyList<Notice> notices) =>
        [.. notices.Select(n => (n.To, Seal(n)))];

    /// <summary>Queues sealed notices inside the caller's transaction; the caller signals after it commits.</summary>
    internal void Append(SQLiteConnection connection, IReadOnlyList<(ChatUserId To, byte[] Payload)> notices)
    {
        foreach (var (to, payload) in notices) Insert(connection, to, payload);
    }

    private void Insert(SQLiteConnection connection, ChatUserId to, byte[] payload)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        connection.Run(
            "INSERT INTO outbox (recipient, payload, attempts, due_at, created_at) VALUES (?, ?, 0, ?, ?)",
            to.ToString(), payload, now, now);
    }

    /// <summary>Wakes the dispatcher; called once the notices are committed, so it never wakes to an empty table.</summary>
    internal void Signal() => signal.Notify();

    private byte[] Seal(Notice notice) => _rows.Seal(notice);
}
