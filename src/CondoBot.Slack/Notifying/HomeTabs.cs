using System.Threading.Channels;
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
/// moves, for those who have opened it before (<c>slack:home:USER</c>). Held in memory on purpose, like ephemeral
/// replies: the tab is drawn afresh from the stores each time, so a publish lost to a restart is made good by the
/// next change or the next visit.
/// </summary>
internal sealed partial class HomeTabs(
    HomeRefreshes refreshes,
    SlackApi api,
    ISessionStore sessions,
    IKeyVault keys,
    ClusterCatalog clusters,
    IChatStateStore state,
    IOptions<SessionOptions> options,
    TimeProvider time,
    ILogger<HomeTabs> logger) : BackgroundService
{
    /// <summary>Draws and publishes one person's tab now.</summary>
    public async Task PublishAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        if (!SlackUser.TryGetUser(user, out var slackUser)) return;
        await state.PutAsync(HomeRefreshes.Key(user), "1", cancellationToken);
        var now = time.GetUtcNow();
        var mine = (await sessions.ListAsync(user, now - options.Value.ShowEndedFor, cancellationToken))
            .OrderByDescending(s => s.CreatedAt).Select(s => s.View(now)).ToList();
        var link = await keys.FindAsync(user, cancellationToken);
        var published = await api.PublishViewAsync(slackUser, HomeTab.Render(mine, link, clusters.Default.LoginHost), cancellationToken);
        if (!published.Ok) LogNotPublished(published.Error);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var user in refreshes.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await PublishAsync(user, stoppingToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogNotPublished(ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An App Home tab was not published: {Error}")]
    private partial void LogNotPublished(string? error);
}

/// <summary>The people whose App Home tab is due to be published again, for <see cref="HomeTabs"/> to work through.</summary>
internal sealed class HomeRefreshes(IChatStateStore state)
{
    private readonly Channel<ChatUserId> _queue =
        Channel.CreateBounded<ChatUserId>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });

    public ChannelReader<ChatUserId> Reader => _queue.Reader;

    /// <summary>The person opened their App Home, or acted on it: publish it, and keep it current from now on.</summary>
    public void Now(ChatUserId user) => _queue.Writer.TryWrite(user);

    /// <summary>A session of this person's moved: republish their tab if they have ever opened it.</summary>
    public async Task ChangedAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        if (await state.GetAsync(Key(user), cancellationToken) is not null) _queue.Writer.TryWrite(user);
    }

    public static string Key(ChatUserId user) => "slack:home:" + user.Id;
}
