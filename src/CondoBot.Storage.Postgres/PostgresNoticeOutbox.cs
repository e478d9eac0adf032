using CondoBot.Core.Diagnostics;
using CondoBot.Core.Notices;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CondoBot.Storage.Postgres;

/// <summary>
/// The outbox shared by several replicas. <see cref="DueAsync"/> does not just read: it claims the notices it returns
/// for this replica (a lease, <c>lease_owner</c> until <c>lease_until</c>), so each notice is handed to one dispatcher
/// and delivered once. A person's later notices are not handed to anyone while an earlier one is postponed or leased
/// to another replica, so their order holds across replicas. Claims are serialised by a transaction-level advisory
/// lock: without it, two replicas claiming at once could each see the other's rows as unleased (neither has committed)
/// and split one person's notices between them. Claiming is one short statement a second per replica, so one lock
/// costs nothing. A replica that dies holding a lease delays those notices until the lease runs out; then another
/// replica delivers them (at least once: a crash between delivery and <see cref="CompleteAsync"/> repeats one).
/// </summary>
public sealed class PostgresNoticeOutbox(
    PostgresDatabase database,
    ISecretProtector protector,
    OutboxSignal signal,
    TimeProvider time,
    PostgresOutboxOptions options,
    ILogger<PostgresNoticeOutbox>? logger = null,
    CondoBotMetrics? metrics = null) : INoticeOutbox
{
    private readonly OutboxRows _rows = new(protector, logger, metrics);

    /// <summary>Any fixed number: the lock every replica takes to claim notices.</summary>
    private const long ClaimLock = 0x436f6e646f_02;

    /// <summary>This replica's name on its leases; a new one per process, so a restarted replica waits out its old leases.</summary>
    public string Replica { get; } = options.Replica ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    public async Task AddAsync(Notice notice, CancellationToken cancellationToken)
    {
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            await AppendAsync(connection, transaction, [notice], cancellationToken);
            return true;
        }, cancellationToken);
        signal.Notify();
    }

    public async Task<IReadOnlyList<PendingNotice>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var clock = time.GetUtcNow();
        var rows = await database.InTransactionAsync(async (connection, transaction) =>
        {
            await using (var take = PostgresDatabase.Command(connection, transaction, "SELECT pg_advisory_xact_lock(@lock)", ("lock", ClaimLock)))
            {
                await take.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var claim = PostgresDatabase.Command(connection, transaction,
                """
                WITH due AS (
                    SELECT seq FROM (
                        SELECT o.seq, ROW_NUMBER() OVER (PARTITION BY o.recipient ORDER BY o.seq) AS turn
                        FROM condobot.outbox AS o
                        WHERE o.set_aside_at IS NULL AND o.due_at <= @now
                          AND (o.lease_until IS NULL OR o.lease_until <= @clock OR o.lease_owner = @me)
                          AND NOT EXISTS (
                              SELECT 1 FROM condobot.outbox AS earlier
                              WHERE earlier.recipient = o.recipient AND earlier.seq < o.seq AND earlier.set_aside_at IS NULL
                                AND (earlier.due_at > @now
                                     OR (earlier.lease_until > @clock AND earlier.lease_owner <> @me)))) AS fair
                    ORDER BY turn, seq
                    LIMIT @max)
                UPDATE condobot.outbox AS t SET lease_owner = @me, lease_until = @until
                FROM due WHERE t.seq = due.seq
                RETURNING t.seq, t.recipient, t.payload, t.attempts
                """,
                ("now", now.ToUnixTimeMilliseconds()), ("clock", clock.ToUnixTimeMilliseconds()),
                ("me", Replica), ("max", max), ("until", (clock + options.Lease).ToUnixTimeMilliseconds()));
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            var claimed = new List<(long Seq, string Recipient, byte[] Payload, int Attempts)>();
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add((reader.GetInt64(0), reader.GetString(1), (byte[])reader.GetValue(2), reader.GetInt32(3)));
            }

            return claimed;
        }, cancellationToken);

        // RETURNING keeps no order; the dispatcher relies on each person's oldest first, in turns (each person's
        // oldest, then each one's next). Rows are opened one at a time; one that cannot be opened is set aside (kept,
        // never handed out again, no longer holding up that person's later ones).
        var due = new List<PendingNotice>(rows.Count);
        var inTurns = rows.GroupBy(r => r.Recipient, StringComparer.Ordinal)
            .SelectMany(person => person.OrderBy(r => r.Seq).Select((row, turn) => (Row: row, Turn: turn)))
            .OrderBy(t => t.Turn).ThenBy(t => t.Row.Seq).Select(t => t.Row);
        foreach (var row in inTurns)
        {
            if (_rows.TryOpen(row.Seq, row.Recipient, row.Payload) is { } notice)
            {
                due.Add(new PendingNotice(row.Seq, notice, row.Attempts));
                continue;
            }

            await using var aside = database.Command(
                "UPDATE condobot.outbox SET set_aside_at = @at, lease_owner = NULL, lease_until = NULL WHERE seq = @seq",
                ("at", time.GetUtcNow().ToUnixTimeMilliseconds()), ("seq", row.Seq));
            await aside.ExecuteNonQueryAsync(cancellationToken);
        }

        return due;
    }

    public async Task CompleteAsync(long sequence, CancellationToken cancellationToken)
    {
        await using var command = database.Command("DELETE FROM condobot.outbox WHERE seq = @seq", ("seq", sequence));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task PostponeAsync(long sequence, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var command = database.Command(
            "UPDATE condobot.outbox SET due_at = @due, attempts = attempts + 1, lease_owner = NULL, lease_until = NULL WHERE seq = @seq",
            ("due", until.ToUnixTimeMilliseconds()), ("seq", sequence));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Queues <paramref name="notices"/> inside the caller's transaction; the caller signals after it commits.</summary>
    internal async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Notice> notices, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var notice in notices)
        {
            await using var insert = PostgresDatabase.Command(connection, transaction,
                "INSERT INTO condobot.outbox (recipient, payload, attempts, due_at, created_at) VALUES (@to, @payload, 0, @now, @now)",
                ("to", notice.To.ToString()), ("payload", Seal(notice)), ("now", now));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Wakes this replica's dispatcher; other replicas find the notice on their next round.</summary>
    internal void Signal() => signal.Notify();

    private byte[] Seal(Notice notice) => _rows.Seal(notice);
}

/// <summary>How the shared outbox leases notices to a replica.</summary>
public sealed record PostgresOutboxOptions
{
    /// <summary>How long a claimed notice stays with its replica; must exceed one delivery round (up to 100 sends).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>This replica's name on its leases; null picks a new unique one.</summary>
    public string? Replica { get; init; }
}
