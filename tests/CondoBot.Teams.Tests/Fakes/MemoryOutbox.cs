using CondoBot.Core.Notices;

namespace CondoBot.Teams.Tests.Fakes;

/// <summary>The core's outbox contract in memory, to drive the real NoticeDispatcher against the Teams notifier.</summary>
public sealed class MemoryOutbox : INoticeOutbox
{
    private readonly List<(long Sequence, Notice Notice, int Attempts, DateTimeOffset Due)> _items = [];
    private long _next;

    public int Count => _items.Count;

    public Task AddAsync(Notice notice, CancellationToken cancellationToken)
    {
        _items.Add((++_next, notice, 0, DateTimeOffset.MinValue));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PendingNotice>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PendingNotice>>([.. _items.Where(i => i.Due <= now).Take(max).Select(i => new PendingNotice(i.Sequence, i.Notice, i.Attempts))]);

    public Task CompleteAsync(long sequence, CancellationToken cancellationToken)
    {
        _items.RemoveAll(i => i.Sequence == sequence);
        return Task.CompletedTask;
    }

    public Task PostponeAsync(long sequence, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var index = _items.FindIndex(i => i.Sequence == sequence);
        _items[index] = _items[index] with { Attempts = _items[index].Attempts + 1, Due = until };
        return Task.CompletedTask;
    }
}
