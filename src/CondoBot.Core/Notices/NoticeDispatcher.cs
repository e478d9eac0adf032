using Microsoft.Extensions.Logging;

namespace CondoBot.Core.Notices;

/// <summary>
/// Delivers queued notices in order. Invariants: a notice is removed from the outbox only after its platform
/// accepted it (delivered at least once); a person's later notices wait while an earlier one is being retried, so
/// nobody reads "ended" before "ready".
/// </summary>
public sealed partial class NoticeDispatcher(
    INoticeOutbox outbox,
    IEnumerable<INotifier> notifiers,
    TimeProvider time,
    ILogger<NoticeDispatcher> logger)
{
    private readonly Dictionary<string, INotifier> _notifiers =
        notifiers.ToDictionary(n => n.Platform, StringComparer.Ordinal);

    /// <summary>Attempts every due notice once; answers how many were delivered.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var due = await outbox.DueAsync(time.GetUtcNow(), 100, cancellationToken);
        var blocked = new HashSet<ChatUserId>();
        var delivered = 0;
        foreach (var pending in due)
        {
            var to = pending.Notice.To;
            if (blocked.Contains(to)) continue;
            var delivery = await TryDeliverAsync(pending.Notice, cancellationToken);
            switch (delivery.Outcome)
            {
                case DeliveryOutcome.Delivered:
                    await outbox.CompleteAsync(pending.Sequence, cancellationToken);
                    delivered++;
                    break;
                case DeliveryOutcome.Undeliverable:
                    LogUndeliverable(to.Platform, pending.Sequence, delivery.Detail);
                    await outbox.CompleteAsync(pending.Sequence, cancellationToken);
                    break;
                default:
                    blocked.Add(to);
                    var wait = delivery.RetryAfter ?? Backoff(pending.Attempts);
                    LogRetry(to.Platform, pending.Sequence, delivery.Detail, wait);
                    await outbox.PostponeAsync(pending.Sequence, time.GetUtcNow() + wait, cancellationToken);
                    break;
            }
        }

        return delivered;
    }

    private async Task<Delivery> TryDeliverAsync(Notice notice, CancellationToken cancellationToken)
    {
        if (!_notifiers.TryGetValue(notice.To.Platform, out var notifier))
        {
            // Another process may run that front door (the web service beside a console, another replica): keep it.
            return Delivery.Later($"no front door for platform '{notice.To.Platform}' runs in this process", TimeSpan.FromMinutes(1));
        }

        try
        {
            return await notifier.DeliverAsync(notice, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Delivery.Later(ex.GetType().Name);
        }
    }

    /// <summary>1 s, 2 s, 4 s ... capped at a minute, so a platform back from an outage hears from us soon.</summary>
    internal static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(attempts, 10))));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped notice {Sequence} for {Platform}: {Detail}")]
    private partial void LogUndeliverable(string platform, long sequence, string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice {Sequence} for {Platform} not delivered ({Detail}); retrying in {Wait}")]
    private partial void LogRetry(string platform, long sequence, string? detail, TimeSpan wait);
}
