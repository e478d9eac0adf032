using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Slack.Messages;
using CondoBot.Slack.Tests.Fakes;
using static CondoBot.Slack.Tests.Fakes.SignedRequests;

namespace CondoBot.Slack.Tests;

/// <summary>
/// The App Home tab: Events API requests at <c>POST /slack/events</c>, signed like commands; <c>url_verification</c>
/// answered with its challenge; <c>app_home_opened</c> publishes the person's sessions with their buttons, their
/// linked login and a Start button that opens the start form; the tab is published again as their sessions move.
/// </summary>
public sealed class HomeTabTests(SlackHostFixture fixture) : IClassFixture<SlackHostFixture>
{
    private const string JsonType = "application/json";
    private readonly HttpClient _client = fixture.Client;
    private readonly SlackHost _host = fixture.Host;
    private readonly FakeSlack _slack = fixture.Slack;

    private static string NewUser() => "U" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    /// <summary>An <c>app_home_opened</c> event_callback of Slack's shape.</summary>
    internal static string HomeOpened(string user) => new JsonObject
    {
        ["token"] = "deprecated-verification-token",
        ["team_id"] = Team,
        ["api_app_id"] = "A0CONDO",
        ["event"] = new JsonObject
        {
            ["type"] = "app_home_opened",
            ["user"] = user,
            ["channel"] = "D" + user,
            ["tab"] = "home",
            ["event_ts"] = "1700000002.000300",
        },
        ["type"] = "event_callback",
        ["event_id"] = "Ev" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(),
        ["event_time"] = 1_700_000_002,
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = Team, ["user_id"] = "U0BOT", ["is_bot"] = true }),
        ["is_ext_shared_channel"] = false,
    }.ToJsonString();

    private async Task<SlackCall> OpenHomeAsync(string user)
    {
        var before = _slack.CallsTo("views.publish").Count(c => c.Field("user_id") == user);
        using var response = await _client.SendAsync(Post("/slack/events", HomeOpened(user), contentType: JsonType));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await WaitForPublishAsync(user, before);
    }

    private async Task<SlackCall> WaitForPublishAsync(string user, int before)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var published = _slack.CallsTo("views.publish").Where(c => c.Field("user_id") == user).ToList();
            if (published.Count > before) return published[^1];
            await Task.Delay(25);
        }

        throw new TimeoutException("views.publish was not called for " + user);
    }

    [Fact]
    public async Task UrlVerification_IsAnsweredWithItsChallenge()
    {
        var body = """{"token":"deprecated-verification-token","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""";

        using var response = await _client.SendAsync(Post("/slack/events", body, contentType: JsonType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["challenge"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnEventThatIsForgedOrStale_Gets401_AndPublishesNothing()
    {
        var user = NewUser();
        var body = HomeOpened(user);

        using var forged = await _client.SendAsync(Post("/slack/events", body, secret: "guessed", contentType: JsonType));
        using var stale = await _client.SendAsync(Post("/slack/events", body, at: DateTimeOffset.UtcNow.AddMinutes(-6), contentType: JsonType));
        using var unsigned = await _client.SendAsync(Unsigned("/slack/events", Encoding.UTF8.GetBytes(body), JsonType));

        Assert.All([forged, stale, unsigned], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        await Task.Delay(200);
        Assert.DoesNotContain(_slack.CallsTo("views.publish"), c => c.Field("user_id") == user);
    }

    [Fact]
    public async Task OpeningHome_PublishesTheirSessionsWithTheirButtons_TheirLogin_AndStart()
    {
        var user = NewUser();
        await _host.QueuedSessionAsync(user, 424242, SessionState.Ready);

        var home = await OpenHomeAsync(user);

        var view = home.Body["view"]!;
        Assert.Equal("home", view["type"]!.GetValue<string>());
        Assert.Contains("job 424242 on local: ready", home.BlockText, StringComparison.Ordinal);
        Assert.Contains("Linked to cluster login `condouser` on 127.0.0.1", home.BlockText, StringComparison.Ordinal);
        Assert.Equal(
            [(Buttons.StartForm, "form", "Start JupyterLab"), (Buttons.Stop, "424242", "Stop"), (Buttons.SendAgain, "424242", "Send tunnel"),
             (Buttons.Renew, "424242", "Renew"), (Buttons.KeyCheck, "check", "Check key")],
            home.Buttons);
        Assert.Empty(_slack.Violations);
    }

    [Fact]
    public async Task SomeoneWithNothingYet_SeesHowToLinkALogin_AndStart()
    {
        var user = NewUser();

        var home = await OpenHomeAsync(user);

        Assert.Contains("You have no sessions", home.BlockText, StringComparison.Ordinal);
        Assert.Contains("`/condo key UID` links yours", home.BlockText, StringComparison.Ordinal);
        Assert.Equal([Buttons.StartForm], home.Buttons.Select(b => b.ActionId));
    }

    [Fact]
    public async Task StartOnTheHomeTab_OpensTheStartForm_WithTheClicksTrigger()
    {
        var user = NewUser();
        await _host.LinkAsync(user);
        var click = HomeClick(Buttons.StartForm, "form", user);

        using var response = await _client.SendAsync(Post("/slack/interactivity", ClickBody(click)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var open = await _slack.WaitForCallAsync("views.open", c => c.Field("trigger_id") == click["trigger_id"]!.GetValue<string>(), TimeSpan.FromSeconds(3));
        Assert.Equal(StartForm.CallbackId, open.Body["view"]!["callback_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task StopOnTheHomeTab_StopsTheirSession_TellsThemInTheirDm_AndRedrawsTheTab()
    {
        var user = NewUser();
        await _host.QueuedSessionAsync(user, 525252, SessionState.Ready);
        var published = (await OpenHomeAsync(user)) is not null ? 1 : 0;

        using var response = await _client.SendAsync(Post("/slack/interactivity", ClickBody(HomeClick(Buttons.Stop, "525252", user))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var told = await _slack.WaitForCallAsync("chat.postEphemeral", c => c.Field("user") == user, TimeSpan.FromSeconds(10));
        Assert.Equal("D" + user, told.Field("channel"));
        Assert.Contains("Stopping job 525252", told.Text, StringComparison.Ordinal);
        var redrawn = await WaitForPublishAsync(user, published);
        Assert.Contains("job 525252 on local: stopping", redrawn.BlockText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASessionThatMoves_IsRedrawnOnTheTabOfSomeoneWhoOpenedIt()
    {
        var user = NewUser();
        var session = await _host.QueuedSessionAsync(user, 626262);
        await OpenHomeAsync(user);
        session.State = SessionState.Ended;
        session.EndReason = EndReason.WalltimeReached;
        session.EndedAt = DateTimeOffset.UtcNow;
        await _host.Get<ISessionStore>().SaveAsync(session, [], CancellationToken.None);
        var notifier = _host.Get<IEnumerable<INotifier>>().Single(n => n.Platform == "slack");

        await notifier.DeliverAsync(new SessionUpdate(session.Owner, session.View(DateTimeOffset.UtcNow), null), CancellationToken.None);

        var redrawn = await WaitForPublishAsync(user, 1);
        Assert.Contains("job 626262 on local: ended: walltime reached", redrawn.BlockText, StringComparison.Ordinal);
        Assert.DoesNotContain(redrawn.Buttons, b => b.Value == "626262");
    }

    /// <summary>A block_actions payload from a button on the Home tab: its container is the view, and it has no channel.</summary>
    internal static JsonObject HomeClick(string actionId, string value, string user)
    {
        var payload = ClickPayload(actionId, value, user);
        payload.Remove("channel");
        payload["container"] = new JsonObject { ["type"] = "view", ["view_id"] = "V0HOME" };
        payload["view"] = new JsonObject { ["id"] = "V0HOME", ["type"] = "home", ["team_id"] = Team, ["blocks"] = new JsonArray() };
        return payload;
    }
}
