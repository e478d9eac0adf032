using System.Net;
using System.Text;
using CondoBot.Core;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Slack.Messages;
using CondoBot.Slack.Tests.Fakes;
using static CondoBot.Slack.Tests.Fakes.SignedRequests;

namespace CondoBot.Slack.Tests;

/// <summary>
/// <c>POST /slack/interactivity</c>: a verified click is acknowledged with an empty 200 at once and becomes a command
/// from the person who clicked, so nobody can act on another person's session.
/// </summary>
public sealed class InteractivityEndpointTests(SlackHostFixture fixture) : IClassFixture<SlackHostFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private readonly SlackHost _host = fixture.Host;
    private readonly FakeSlack _slack = fixture.Slack;

    private static string NewUser() => "U" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    private static long NewJob() => Random.Shared.NextInt64(100_000, 999_999);

    [Fact]
    public async Task TheOwnerPressingStop_IsAcknowledgedEmpty_StopsTheSession_AndTellsOnlyThem()
    {
        var (owner, job) = (NewUser(), NewJob());
        var session = await _host.QueuedSessionAsync(owner, job);

        using var response = await _client.SendAsync(Post("/slack/interactivity", ClickBody(ClickPayload(Buttons.Stop, job.ToString(), owner))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Equal(SessionState.Stopping, Assert.Single(await _host.SessionsOfAsync(owner)).State);
        await _host.Work.WaitForAsync(s => s.Step == "cancel" && s.Session == session.Id);
        var told = await _slack.WaitForCallAsync("chat.postEphemeral", c => c.Field("user") == owner, TimeSpan.FromSeconds(10));
        Assert.Equal("D0DM", told.Field("channel"));
        Assert.Contains($"Stopping job {job}", told.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SomeoneElsePressingStop_StopsNothing_AndIsToldItIsNotTheirs()
    {
        var (owner, other, job) = (NewUser(), NewUser(), NewJob());
        var session = await _host.QueuedSessionAsync(owner, job);
        await _host.LinkAsync(other);

        using var response = await _client.SendAsync(Post("/slack/interactivity", ClickBody(ClickPayload(Buttons.Stop, job.ToString(), other))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var told = await _slack.WaitForCallAsync("chat.postEphemeral", c => c.Field("user") == other, TimeSpan.FromSeconds(10));
        Assert.Contains($"You have no session with job id {job}", told.Text, StringComparison.Ordinal);
        Assert.Equal(SessionState.Queued, Assert.Single(await _host.SessionsOfAsync(owner)).State);
        Assert.DoesNotContain(_host.Work.Steps, s => s.Step == "cancel" && s.Session == session.Id);
    }

    [Fact]
    public async Task SendAgain_AsksTheCoreForTheInstructions_AndOutsideAlsoAsksForTheExternalVariant()
    {
        var (owner, job) = (NewUser(), NewJob());
        var session = await _host.QueuedSessionAsync(owner, job, SessionState.Ready);

        using var again = await _client.SendAsync(Post("/slack/interactivity", ClickBody(ClickPayload(Buttons.SendAgain, job.ToString(), owner))));
        using var outside = await _client.SendAsync(Post("/slack/interactivity", ClickBody(ClickPayload(Buttons.Outside, job.ToString(), owner))));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, outside.StatusCode);
        Assert.Equal(2, _host.Work.Steps.Count(s => s.Step == "tunnel" && s.Session == session.Id));
        var remembered = await _host.Get<IChatStateStore>().GetAsync($"slack:outside:{Team}:{owner}:{job}", CancellationToken.None);
        Assert.NotNull(remembered);
    }

    [Fact]
    public async Task AForgedClick_Gets401_AndStopsNothing()
    {
        var (owner, job) = (NewUser(), NewJob());
        await _host.QueuedSessionAsync(owner, job);
        var body = ClickBody(ClickPayload(Buttons.Stop, job.ToString(), owner));

        using var wrongSecret = await _client.SendAsync(Post("/slack/interactivity", body, secret: "guessed"));
        using var stale = await _client.SendAsync(Post("/slack/interactivity", body, at: DateTimeOffset.UtcNow.AddMinutes(-6)));
        using var unsigned = await _client.SendAsync(Unsigned("/slack/interactivity", Encoding.UTF8.GetBytes(body)));

        Assert.All([wrongSecret, stale, unsigned], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(SessionState.Queued, Assert.Single(await _host.SessionsOfAsync(owner)).State);
    }

    [Fact]
    public async Task AClickDeliveredTwice_ActsOnce()
    {
        var (owner, job) = (NewUser(), NewJob());
        var session = await _host.QueuedSessionAsync(owner, job, SessionState.Ready);
        var body = ClickBody(ClickPayload(Buttons.SendAgain, job.ToString(), owner));

        using var first = await _client.SendAsync(Post("/slack/interactivity", body));
        using var again = await _client.SendAsync(Post("/slack/interactivity", body));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Single(_host.Work.Steps, s => s.Step == "tunnel" && s.Session == session.Id);
    }

    [Theory]
    [InlineData("payload=not-json")]
    [InlineData("nopayload=1")]
    public async Task AMalformedPayload_Gets400(string body)
    {
        using var response = await _client.SendAsync(Post("/slack/interactivity", body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AButtonValueThatIsNotAJobId_DoesNothing()
    {
        var (owner, job) = (NewUser(), NewJob());
        await _host.QueuedSessionAsync(owner, job);

        using var response = await _client.SendAsync(Post("/slack/interactivity", ClickBody(ClickPayload(Buttons.Stop, "1; scancel -u root", owner))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SessionState.Queued, Assert.Single(await _host.SessionsOfAsync(owner)).State);
    }
}
