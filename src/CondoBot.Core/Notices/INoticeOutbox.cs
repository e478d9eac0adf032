namespace CondoBot.Core.Notices;

/// <summary>The durable queue of notices not yet delivered, in the order they were produced.</summary>
public interface INoticeOutbox
{
    Task AddAsync(Notice notice, CancellationToken cancellationToken);

    /// <summary>Notices due for an attempt at <paramref name="now"/>: each person's in order, oldest first, taken in turns between people.</summary>
    Task<IReadOnlyList<PendingNotice>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);

    Task CompleteAsync(long sequence, CancellationToken cancellationToken);

    Task PostponeAsync(long sequence, DateTimeOffset until, CancellationToken cancellationToken);
}

public sealed record PendingNotice(long Sequence, Notice Notice, int Attempts);
