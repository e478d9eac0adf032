using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Identity;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Slack.Messages;
using CondoBot.Slack.WebApi;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CondoBot.Slack.Notifying;

/// <summary>
/// Publishes people's App Home tabs (<c>views.publish</c>): when they open it, and again whenever one of their sessions
/// moves, for those who have opened it before. The tab is drawn afresh from the stores each time, so publishing twice
/// is harmless; what must not be lost is that a tab is due, which <see cref="HomeRefreshes"/> keeps on disk. A publish
/// that fails for a while (Slack down, rate limited) is tried again, honouring <c>Retry-After</c>; one Slack refuses
/// for good (the person is gone, the view is invalid) is logged and dropped. The due tabs on disk are swept at start-up
/// and every <see cref="SweepEvery"/>, so one another replica took and could not finish is published here.
/// </summary>
internal sealed partial class HomeTabs(
    HomeRefreshes refreshes,
    SlackApi api,
    ISessionStore sessions,
    IKeyVault keys,
    ClusterCatalog clusters,
    IOptions<SessionOptions> options,
    TimeProvider time,
    ILogger<HomeTabs> logger) : BackgroundService
{
    /// <summary>Draws and publishes one person's tab now; answers how it went.</summary>
    public async Task<Delivery> PublishAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        if (!SlackUser.TryGetUser(user, out var slackUser)) return Delivery.Never($"'{user}' is not a Slack user id");
        var now = time.GetUtcNow();
        var mine = (await sessions.ListAsync(user, now - options.Value.ShowEndedFor, cancellationToken))
            .OrderByDescending(s => s.CreatedAt).Select(s => s.View(now)).ToList();
        var link = await keys.FindAsync(user, cancellationToken);
        var published = await api.PublishViewAsync(slackUser, HomeTab.Render(mine, link, clusters.Default.LoginHost), cancellationToken);
        return SlackDelivery.From("views.publish", published);
    }

    /// <summary>How often the due tabs on disk are looked at again, for those another replica left unfinished.</summary>
    internal static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweeps = SweepAsync(stoppingToken);
        await foreach (var user in refreshes.Reader.ReadAllAsync(stoppingToken))
        {
            await PublishDueAsync(user, stoppingToken);
        }

        await sweeps;
    }

    /// <summary>At start-up (tabs due from before a restart) and every <see cref="SweepEvery"/> after.</summary>
    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        var first = true;
        do
        {
            try
            {
                var queued = await refreshes.QueueDueAsync(stoppingToken);
                if (queued > 0 && first) LogLeftOver(queued);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(ex);
            }

            first = false;
            try
            {
                await Task.Delay(SweepEvery, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        while (!stoppingToken.IsCancellationRequested);
    }

    private async Task PublishDueAsync(ChatUserId user, CancellationToken stoppingToken)
    {
        Delivery delivery;
        try
        {
            // Read the stamp before drawing: a change after this point sets a new one, so its publish still follows.
            if (await refreshes.TakeAsync(user, stoppingToken) is not { } stamp) return;
            delivery = await PublishAsync(user, stoppingToken);
            if (delivery.Outcome != DeliveryOutcome.RetryLater) await refreshes.DoneAsync(user, stamp, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The stores or the network: the tab stays due on disk, and this process tries again after a backoff.
            LogPublishFailed(ex);
            delivery = Delivery.Later(ex.GetType().Name);
        }

        switch (delivery.Outcome)
        {
            case DeliveryOutcome.RetryLater:
                LogRetry(delivery.Detail, refreshes.Later(user, delivery.RetryAfter, stoppingToken));
                break;
            case DeliveryOutcome.Undeliverable:
                LogDropped(delivery.Detail);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "An App Home tab was not published ({Detail}); retrying in {Wait}")]
    private partial void LogRetry(string? detail, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing an App Home tab failed")]
    private partial void LogPublishFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An App Home tab was refused for good: {Detail}")]
    private partial void LogDropped(string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} App Home tabs were due from before the restart; publishing them")]
    private partial void LogLeftOver(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read which App Home tabs are due")]
    private partial void LogSweepFailed(Exception ex);
}
