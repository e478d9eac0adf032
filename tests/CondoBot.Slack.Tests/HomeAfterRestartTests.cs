using System.Net;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Slack.Messages;
using CondoBot.Slack.Notifying;
using CondoBot.Slack.Tests.Fakes;
using static CondoBot.Slack.Tests.Fakes.SignedRequests;

namespace CondoBot.Slack.Tests;

/// <summary>
/// The App Home tab is kept current through Slack's bad moments and the service's restarts: a tab that is due stays
/// due on disk until a publish of it succeeds, a rate-limited publish is tried again after Slack's <c>Retry-After</c>,
/// and a button whose session has gone gets a plain answer.
/// </summary>
public sealed class HomeAfterRestartTests : IAsyncLifetime
{
    private const string JsonType = "application/json";
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-home-").FullName;
    private FakeSlack _slack = null!;

    public async Task InitializeAsync() => _slack = await FakeSlack.StartAsync();

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private static string NewUser() => "U" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    private List<SlackCall> PublishesFor(string user) => _slack.CallsTo("views.publish").Where(c => c.Field("user_id") == user).ToList();

    private async Task<SlackCall> PublishedAsync(string user, int after, TimeSpan within, bool answered = true)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            var calls = PublishesFor(user);
            if (calls.Count > after && (!answered || calls[^1].Answer is not null)) return calls[^1];
            await Task.Delay(25);
        }

        throw new TimeoutException($"views.publish for {user} was not called more than {after} times within {within}");
    }

    private static async Task OpenHomeAsync(HttpClient client, string user)
    {
        using var response = await client.SendAsync(Post("/slack/events", HomeTabTests.HomeOpened(user), contentType: JsonType));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Ends the session as the workflow would after Slurm's last word, and tells the Slack front door.</summary>
    private static async Task EndAsync(SlackHost host, Session session, TimeSpan ranFor)
    {
        var now = DateTimeOffset.UtcNow;
        session.State = SessionState.Ended;
        session.EndReason = EndReason.StoppedByUser;
        session.StartedAt = now - ranFor;
        session.EndedAt = now;
        await host.Get<ISessionStore>().SaveAsync(session, [], CancellationToken.None);
        var notifier = host.Get<IEnumerable<INotifier>>().Single(n => n.Platform == "slack");
        var told = await notifier.DeliverAsync(new SessionUpdate(session.Owner, session.View(now), null), CancellationToken.None);
        Assert.Equal(DeliveryOutcome.Delivered, told.Outcome);
    }

    [Fact]
    public async Task ASessionThatEndsWhileSlackRateLimitsThePublish_IsOnTheTabAfterARestart_WithWhatItUsed()
    {
        var user = NewUser();
        var first = new SlackHost(_slack, dataDirectory: _data);
        try
        {
            using var client = first.CreateClient();
            var session = await first.QueuedSessionAsync(user, 717171, SessionState.Ready, "start --gpus 2");
            await OpenHomeAsync(client, user);
            await PublishedAsync(user, 0, TimeSpan.FromSeconds(10));

            // Longer than the client waits by itself: the tab stays due, and this process would try again in a minute.
            _slack.Script("views.publish", new FakeAnswer.RateLimited(60));
            await EndAsync(first, session, TimeSpan.FromHours(2));
            await PublishedAsync(user, 1, TimeSpan.FromSeconds(10), answered: false);
        }
        finally
        {
            await first.DisposeAsync();
        }

        Assert.Null(PublishesFor(user)[^1].Answer);
        await using var second = new SlackHost(_slack, dataDirectory: _data);
        _ = second.Services;

        var redrawn = await PublishedAsync(user, 2, TimeSpan.FromSeconds(10));
        Assert.Contains("job 717171 on local: ended: stopped by you after 2 h, 2.00 node-hours and 4.00 GPU-hours", redrawn.BlockText, StringComparison.Ordinal);
        Assert.DoesNotContain(redrawn.Buttons, b => b.Value == "717171");
        Assert.Empty(_slack.Violations);
    }

    [Fact]
    public async Task AnAppHomeOpenedEvent_IsOnDiskAsDue_BeforeItIsAnswered()
    {
        var user = NewUser();
        await using var host = new SlackHost(_slack, dataDirectory: _data);
        using var client = host.CreateClient();
        _slack.Script("views.publish", new FakeAnswer.RateLimited(60));
        host.ChatState.Delay = TimeSpan.FromMilliseconds(400);

        await OpenHomeAsync(client, user);

        Assert.NotNull(await host.ChatState.GetAsync(HomeRefreshes.DueKey(SlackUser.Id(Team, user)), CancellationToken.None));
    }

    [Fact]
    public async Task ATabThatAnotherReplicaLeftDue_IsPublishedByTheNextSweep()
    {
        var user = NewUser();
        await using var host = new SlackHost(_slack, dataDirectory: _data);
        await host.QueuedSessionAsync(user, 919191, SessionState.Queued);

        // What a replica that took the person's app_home_opened wrote before it died, with no publish after it.
        var id = SlackUser.Id(Team, user);
        var state = host.Get<IChatStateStore>();
        await state.PutAsync(HomeRefreshes.Key(id), "1", CancellationToken.None);
        await state.PutAsync(HomeRefreshes.DueKey(id), "stamp-of-another-replica", CancellationToken.None);

        var published = await PublishedAsync(user, 0, HomeTabs.SweepEvery + TimeSpan.FromSeconds(15));
        Assert.Contains("job 919191 on local: queued", published.BlockText, StringComparison.Ordinal);
        await WaitUntilAsync(async () => await state.GetAsync(HomeRefreshes.DueKey(id), CancellationToken.None) is null);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the condition did not hold within 10 s");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task APublishSlackRateLimits_IsTriedAgainAfterItsRetryAfter_AndNotBefore()
    {
        var user = NewUser();
        await using var host = new SlackHost(_slack, dataDirectory: _data);
        using var client = host.CreateClient();
        _slack.Script("views.publish", new FakeAnswer.RateLimited(4));

        await OpenHomeAsync(client, user);
        await PublishedAsync(user, 0, TimeSpan.FromSeconds(10), answered: false);
        var limitedAt = DateTime.UtcNow;
        var published = await PublishedAsync(user, 1, TimeSpan.FromSeconds(15));

        Assert.True(DateTime.UtcNow - limitedAt >= TimeSpan.FromSeconds(3.5), $"retried after {DateTime.UtcNow - limitedAt}");
        Assert.Contains("You have no sessions", published.BlockText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopOnTheTab_ForASessionThatHasEnded_GetsAPlainAnswer_AndTheTabIsRedrawnWithoutIt()
    {
        var user = NewUser();
        await using var host = new SlackHost(_slack, dataDirectory: _data);
        using var client = host.CreateClient();
        var session = await host.QueuedSessionAsync(user, 818181, SessionState.Ready);
        await OpenHomeAsync(client, user);
        await PublishedAsync(user, 0, TimeSpan.FromSeconds(10));
        await EndAsync(host, session, TimeSpan.FromMinutes(30));
        var seen = PublishesFor(user).Count;

        using var response = await client.SendAsync(Post("/slack/interactivity", ClickBody(HomeTabTests.HomeClick(Buttons.Stop, "818181", user))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var told = await _slack.WaitForCallAsync("chat.postEphemeral", c => c.Field("user") == user, TimeSpan.FromSeconds(10));
        Assert.Equal("D" + user, told.Field("channel"));
        Assert.StartsWith("Job 818181 has already ended (stopped by you)", told.Text, StringComparison.Ordinal);
        var redrawn = await PublishedAsync(user, seen, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(redrawn.Buttons, b => b.Value == "818181");
    }
}
