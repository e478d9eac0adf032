namespace CondoBot.Core.Audit;

/// <summary>The audit trail's store: append, list newest first, and forget what is older than the retention.</summary>
public interface IAuditLog
{
    Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Entries matching the query, newest first (by <see cref="AuditEntry.Id"/>).</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes entries recorded before <paramref name="cutoff"/>; answers how many.</summary>
    Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
