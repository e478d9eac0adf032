using CondoBot.Core;
using CondoBot.Core.Audit;
using Npgsql;

namespace CondoBot.Storage.Postgres;

/// <summary>The audit trail in PostgreSQL, shared by every replica (ids are the database's, so newest first holds across them).</summary>
public sealed class PostgresAuditLog(PostgresDatabase database) : IAuditLog
{
    public async Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var command = database.Command(
            """
            INSERT INTO condobot.audit (at, chat_user, action, outcome, login, cluster, job_id, session_id, detail, reason)
            VALUES (@at, @user, @action, @outcome, @login, @cluster, @job, @session, @detail, @reason)
            """,
            ("at", entry.At.ToUnixTimeMilliseconds()), ("user", entry.User.ToString()), ("action", entry.Action),
            ("outcome", entry.Outcome.ToString().ToLowerInvariant()), ("login", entry.Login?.Value), ("cluster", entry.Cluster),
            ("job", entry.JobId?.Value), ("session", entry.Session?.ToString()), ("detail", entry.Detail), ("reason", entry.Reason));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var command = database.Command(
            """
            SELECT id, at, chat_user, action, outcome, login, cluster, job_id, session_id, detail, reason FROM condobot.audit
            WHERE (@user::text IS NULL OR chat_user = @user) AND (@before::bigint IS NULL OR id < @before)
            ORDER BY id DESC LIMIT @limit
            """,
            ("user", query.User?.ToString()), ("before", query.Before), ("limit", Math.Clamp(query.Limit, 1, AuditQuery.MaxLimit)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken)) entries.Add(Read(reader));
        return entries;
    }

    public async Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var command = database.Command("DELETE FROM condobot.audit WHERE at < @cutoff", ("cutoff", cutoff.ToUnixTimeMilliseconds()));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static AuditEntry Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        At = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        User = ChatUserId.TryParse(reader.GetString(2), out var user) ? user.Value : new ChatUserId("unknown", reader.GetString(2)),
        Action = reader.GetString(3),
        Outcome = Enum.Parse<AuditOutcome>(reader.GetString(4), ignoreCase: true),
        Login = reader.IsDBNull(5) ? null : new ClusterUser(reader.GetString(5)),
        Cluster = reader.IsDBNull(6) ? null : reader.GetString(6),
        JobId = reader.IsDBNull(7) ? null : new SlurmJobId(reader.GetInt64(7)),
        Session = SessionId.TryParse(reader.IsDBNull(8) ? null : reader.GetString(8), out var session) ? session : null,
        Detail = reader.IsDBNull(9) ? null : reader.GetString(9),
        Reason = reader.IsDBNull(10) ? null : reader.GetString(10),
    };
}
