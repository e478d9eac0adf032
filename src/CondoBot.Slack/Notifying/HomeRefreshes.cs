using System.Collections.Concurrent;
using System.Threading.Channels;
using CondoBot.Core;
using CondoBot.Core.Notices;

namespace CondoBot.Slack.Notifying;

/// <summary>
/// The people whose App Home tab is due to be published again, for <see cref="HomeTabs"/> to work through. Both facts
/// are durable: who has opened their tab (<c>slack:home:USER</c>), and whose tab is due (<c>slack:home-due:USER</c>,
/// a fresh stamp per request), so a request taken before a restart, or one whose publish failed, is carried out after
/// it. A due mark is cleared only by a publish that started after the mark was set (same stamp), so no change is lost.
/// </summary>
internal sealed class HomeRefreshes(IChatStateStore state, TimeProvider time)
{
    /// <summary>How many due tabs one sweep picks up; the next sweep picks up more.</summary>
    public const int MostDuePerSweep = 1000;

    private const string DuePrefix = "slack:home-due:";

    private readonly Channel<ChatUserId> _queue = Channel.CreateUnbounded<ChatUserId>();

    // A person is queued at most once at a time, so a burst of changes is one publish and the queue stays bounded.
    private readonly ConcurrentDictionary<ChatUserId, bool> _queued = new();
    private readonly ConcurrentDictionary<ChatUserId, int> _failures = new();

    // Those waiting out a backoff or Slack's Retry-After, whom a sweep leaves alone.
    private readonly ConcurrentDictionary<ChatUserId, bool> _waiting = new();

    public ChannelReader<ChatUserId> Reader => _queue.Reader;

    /// <summary>The person opened their App Home, or acted on it: publish it, and keep it current from now on.</summary>
    public async Task NowAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        await state.PutAsync(Key(user), "1", cancellationToken);
        await MarkAsync(user, cancellationToken);
    }

    /// <summary>A session of this person's moved: republish their tab if they have ever opened it.</summary>
    public async Task ChangedAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        if (await state.GetAsync(Key(user), cancellationToken) is not null) await MarkAsync(user, cancellationToken);
    }

    /// <summary>
    /// Queues every tab due on disk that this process is not already about to publish: at start-up, those left from
    /// before a restart; later, those another replica took and could not finish.
    /// </summary>
    public async Task<int> QueueDueAsync(CancellationToken cancellationToken)
    {
        var keys = await state.KeysAsync(DuePrefix, MostDuePerSweep, cancellationToken);
        var queued = 0;
        foreach (var key in keys)
        {
            var user = new ChatUserId(SlackUser.Platform, key[DuePrefix.Length..]);
            if (!SlackUser.TryGetUser(user, out _) || _waiting.ContainsKey(user)) continue;
            if (Queue(user)) queued++;
        }

        return queued;
    }

    /// <summary>Takes the person off the queue; answers the stamp of their due request, or null if none is due.</summary>
    public Task<string?> TakeAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        _queued.TryRemove(user, out _);
        return state.GetAsync(DueKey(user), cancellationToken);
    }

    /// <summary>The tab as of <paramref name="stamp"/> is published: clear the mark unless a newer request came since.</summary>
    public async Task DoneAsync(ChatUserId user, string stamp, CancellationToken cancellationToken)
    {
        _failures.TryRemove(user, out _);
        if (await state.GetAsync(DueKey(user), cancellationToken) == stamp) await state.DeleteAsync(DueKey(user), cancellationToken);
    }

    /// <summary>The publish failed for a while: try again after <paramref name="after"/>, or after a growing backoff.</summary>
    public TimeSpan Later(ChatUserId user, TimeSpan? after, CancellationToken stoppingToken)
    {
        var failures = _failures.AddOrUpdate(user, 1, (_, n) => n + 1);
        var wait = after ?? TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(failures, 10))));
        _waiting[user] = true;
        _ = Task.Delay(wait, time, stoppingToken).ContinueWith(t =>
        {
            _waiting.TryRemove(user, out _);
            if (!t.IsCanceled) Queue(user);
        }, TaskScheduler.Default);
        return wait;
    }

    public static string Key(ChatUserId user) => "slack:home:" + user.Id;

    public static string DueKey(ChatUserId user) => DuePrefix + user.Id;

    private async Task MarkAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        await state.PutAsync(DueKey(user), Guid.NewGuid().ToString("N"), cancellationToken);
        Queue(user);
    }

    private bool Queue(ChatUserId user) => _queued.TryAdd(user, true) && _queue.Writer.TryWrite(user);
}
