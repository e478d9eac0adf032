using System.Net;
using System.Text.Json.Nodes;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Slack.Messages;
using CondoBot.Slack.Tests.Fakes;
using static CondoBot.Slack.Tests.Fakes.SignedRequests;

namespace CondoBot.Slack.Tests;

/// <summary>
/// Where a message asks something, it carries the answers as buttons: a reminder Renew and Stop now, a key message
/// Check key. Each click is a signed <c>block_actions</c> payload and acts as the person who pressed it, only on their
/// own sessions; a button on a session that has ended gets a plain answer shown only to them.
/// </summary>
public sealed class QuestionButtonTests(SlackHostFixture fixture) : IClassFixture<SlackHostFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private readonly SlackHost _host = fixture.Host;
    private readonly FakeSlack _slack = fixture.Slack;

    private static string NewUser() => "U" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    private static long NewJob() => Random.Shared.NextInt64(100_000, 999_999);

    private async Task<SlackCall> PressAsync(string actionId, string value, string user)
    {
        using var response = await _client.SendAsync(Post("/slack/interactivity", ClickBody(ClickPayload(actionId, value, user))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        return await _slack.WaitForCallAsync("chat.postEphemeral", c => c.Field("user") == user, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AReminder_CarriesRenewAndStopNow_ForItsJob()
    {
        var (owner, job) = (NewUser(), NewJob());
        var session = await _host.QueuedSessionAsync(owner, job, SessionState.Ready);
        var view = session.View(DateTimeOffset.UtcNow);

        var delivery = await _host.Get<IEnumerable<INotifier>>().Single(n => n.Platform == "slack")
            .DeliverAsync(new ReminderNotice(session.Owner, view, TimeSpan.FromMinutes(10)), CancellationToken.None);

        Assert.Equal(Delivery.Done, delivery);
        var reminder = await _slack.WaitForCallAsync("chat.postMessage", c => c.Text.Contains($"Job {job}", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        Assert.Equal([(Buttons.Renew, job.ToString(), "Renew"), (Buttons.Stop, job.ToString(), "Stop now")], reminder.Buttons);
        Assert.Contains("reaches its walltime in 10 min", reminder.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReminderForASessionWithAFollowOn_OffersOnlyStopNow()
    {
        var (owner, job) = (NewUser(), NewJob());
        var session = await _host.QueuedSessionAsync(owner, job, SessionState.Ready);
        var view = session.View(DateTimeOffset.UtcNow) with { HasFollowOn = true };

        var message = ReminderMessage.Render(new ReminderNotice(session.Owner, view, TimeSpan.FromMinutes(10)));

        var actions = message.Blocks.Last()!["elements"]!.AsArray();
        Assert.Equal([Buttons.Stop], actions.Select(a => a!["action_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TheOwnerPressingRenew_QueuesAFollowOn_AndIsToldSoPrivately()
    {
        var (owner, job) = (NewUser(), NewJob());
        var session = await _host.QueuedSessionAsync(owner, job, SessionState.Ready);

        var told = await PressAsync(Buttons.Renew, job.ToString(), owner);

        Assert.Contains($"Queueing a follow-on session for job {job}", told.Text, StringComparison.Ordinal);
        Assert.True(Assert.Single(await _host.SessionsOfAsync(owner)).KeepAlive);
        Assert.Contains(_host.Work.Steps, s => s.Step == "poll" && s.Session == session.Id);
    }

    [Fact]
    public async Task SomeoneElsePressingRenewOrStopNow_TouchesNothing_AndIsToldItIsNotTheirs()
    {
        var (owner, other, job) = (NewUser(), NewUser(), NewJob());
        await _host.QueuedSessionAsync(owner, job, SessionState.Ready);
        await _host.LinkAsync(other);

        var renew = await PressAsync(Buttons.Renew, job.ToString(), other);

        Assert.Contains($"You have no session with job id {job}", renew.Text, StringComparison.Ordinal);
        var session = Assert.Single(await _host.SessionsOfAsync(owner));
        Assert.False(session.KeepAlive);
        Assert.Equal(SessionState.Ready, session.State);
    }

    [Fact]
    public async Task AButtonOnASessionThatHasEnded_GetsAPlainAnswer_AndChangesNothing()
    {
        var (owner, job) = (NewUser(), NewJob());
        var session = await _host.QueuedSessionAsync(owner, job, SessionState.Ready);
        session.State = SessionState.Ended;
        session.EndReason = EndReason.WalltimeReached;
        session.EndedAt = DateTimeOffset.UtcNow;
        await _host.Get<ISessionStore>().SaveAsync(session, [], CancellationToken.None);
        var steps = _host.Work.Steps.Count(s => s.Session == session.Id);

        var told = await PressAsync(Buttons.Renew, job.ToString(), owner);

        Assert.StartsWith($"Job {job} has already ended", told.Text, StringComparison.Ordinal);
        Assert.False(Assert.Single(await _host.SessionsOfAsync(owner)).KeepAlive);
        Assert.Equal(steps, _host.Work.Steps.Count(s => s.Session == session.Id));
    }

    [Fact]
    public async Task TheReplyToKeyUid_CarriesCheckKey_AndPressingIt_ChecksThePressersOwnKey()
    {
        var user = NewUser();
        using var linked = await _client.SendAsync(Post("/slack/commands", CommandBody("key condouser", user)));
        var reply = JsonNode.Parse(await linked.Content.ReadAsStringAsync())!;
        var button = Assert.Single(reply["blocks"]!.AsArray(), b => b!["type"]!.GetValue<string>() == "actions")!["elements"]![0]!;
        Assert.Equal((Buttons.KeyCheck, "Check key"), (button["action_id"]!.GetValue<string>(), button["text"]!["text"]!.GetValue<string>()));
        var checks = _host.Work.Steps.Count(s => s.Step == "key");

        var told = await PressAsync(Buttons.KeyCheck, button["value"]!.GetValue<string>(), user);

        Assert.Contains("Checking that I can log in to 127.0.0.1 as condouser", told.Text, StringComparison.Ordinal);
        Assert.Equal(checks + 1, _host.Work.Steps.Count(s => s.Step == "key"));
    }

    [Fact]
    public async Task CheckKey_PressedBySomeoneWithoutAKey_TellsThemHowToGetOne_AndChecksNothing()
    {
        var stranger = NewUser();
        var checks = _host.Work.Steps.Count(s => s.Step == "key");

        var told = await PressAsync(Buttons.KeyCheck, "check", stranger);

        Assert.Contains("You have no key yet", told.Text, StringComparison.Ordinal);
        Assert.Equal(checks, _host.Work.Steps.Count(s => s.Step == "key"));
    }

    [Fact]
    public async Task AFailedKeyCheckMessage_CarriesCheckKey_AndASuccessfulOneDoesNot()
    {
        var user = NewUser();
        var notifier = _host.Get<IEnumerable<INotifier>>().Single(n => n.Platform == "slack");
        var to = SlackUser.Id(Team, user);

        await notifier.DeliverAsync(new TextNotice(to, "I could not log in to 127.0.0.1 as condouser: the key is not authorized there.") { Suggests = "key check" }, CancellationToken.None);
        await notifier.DeliverAsync(new TextNotice(to, "Your key works."), CancellationToken.None);

        var failed = await _slack.WaitForCallAsync("chat.postMessage", c => c.Text.StartsWith("I could not log in", StringComparison.Ordinal) && c.Field("channel") == "D" + user, TimeSpan.FromSeconds(5));
        var worked = await _slack.WaitForCallAsync("chat.postMessage", c => c.Text == "Your key works." && c.Field("channel") == "D" + user, TimeSpan.FromSeconds(5));
        Assert.Equal([(Buttons.KeyCheck, "check", "Check key")], failed.Buttons);
        Assert.Empty(worked.Buttons);
    }

    [Theory]
    [InlineData(Buttons.KeyCheck, "revoke")]
    [InlineData(Buttons.Renew, "77; scancel -u root")]
    public void AButtonValueTheBotNeverSet_StandsForNoCommand(string actionId, string value) =>
        Assert.Null(Buttons.CommandFor(actionId, value));
}
