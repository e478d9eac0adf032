using CondoBot.Core.Audit;

namespace CondoBot.Storage;

/// <summary>The audit trail in the bot's SQLite file.</summary>
public sealed class SqliteAuditLog(SqliteDatabase database) : IAuditLog
{
    public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return database.WriteAsync(c => c.Run(
            """
            INSERT INTO audit (at, chat_user, action, outcome, login, cluster, job_id, session_id, detail, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            entry.At.ToUnixTimeMilliseconds(), entry.User.ToString(), entry.Action, entry.Outcome.ToString().ToLowerInvariant(),
            entry.Login?.Value, entry.Cluster, entry.JobId?.Value, entry.Session?.ToString(), entry.Detail, entry.Reason));
    }

    public Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var rows = database.Read(c => c.Query<AuditRow>(
            """
            SELECT id, at, chat_user, action, outcome, login, cluster, job_id, session_id, detail, reason FROM audit
            WHERE (? IS NULL OR chat_user = ?) AND (? IS NULL OR id < ?)
            ORDER BY id DESC LIMIT ?
            """,
            query.User?.ToString(), query.User?.ToString(), query.Before, query.Before, Math.Clamp(query.Limit, 1, AuditQuery.MaxLimit)));
        return Task.FromResult<IReadOnlyList<AuditEntry>>(rows.Select(r => r.ToEntry()).ToList());
    }

    public Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return database.WriteAsync(c => c.Execute("DELETE FROM audit WHERE at < ?", cutoff.ToUnixTimeMilliseconds()));
    }
}
