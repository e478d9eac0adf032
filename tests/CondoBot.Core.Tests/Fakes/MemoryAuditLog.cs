using CondoBot.Core.Audit;

namespace CondoBot.Core.Tests.Fakes;

/// <summary>The audit trail in a list, in the order recorded.</summary>
internal sealed class MemoryAuditLog : IAuditLog
{
    private readonly List<AuditEntry> _entries = [];

    public IReadOnlyList<AuditEntry> Entries
    {
        get
        {
            lock (_entries) return [.. _entries];
        }
    }

    public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        lock (_entries) _entries.Add(entry with { Id = _entries.Count + 1 });
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AuditEntry>>(Entries
            .Where(e => query.User is null || e.User == query.User)
            .Where(e => query.Before is null || e.Id < query.Before)
            .Reverse().Take(query.Limit).ToList());

    public Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        lock (_entries) return Task.FromResult(_entries.RemoveAll(e => e.At < cutoff));
    }
}
