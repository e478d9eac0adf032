using System.Text.Json.Nodes;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Teams.Notifying;
using CondoBot.Teams.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace CondoBot.Teams.Tests;

/// <summary>
/// What the bot sends to the Bot Connector, checked at a fake Connector and token endpoint: exact paths and bodies,
/// the bot's own token on every call and fetched once, private 1:1 delivery, the card updated in place, retries.
/// </summary>
public sealed class ConnectorCallsTests : IAsyncLifetime
{
    private ConnectorRig _rig = null!;

    private FakeBotService Bot => _rig.Bot;

    public async Task InitializeAsync() => _rig = await ConnectorRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task TheBotsToken_IsFetchedWithClientCredentials_OnceForManyCalls_AndSentOnEach()
    {
        var person = TestPerson.New();
        var to = await _rig.KnownPersonAsync(person, inPersonalChat: true);

        await _rig.Notifier.DeliverAsync(new TextNotice(to, "one"), CancellationToken.None);
        await _rig.Notifier.DeliverAsync(new TextNotice(to, "two"), CancellationToken.None);

        var tokenRequest = Assert.Single(Bot.Calls, c => c.Path == "/token");
        Assert.True(JsonNode.DeepEquals(new JsonObject
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = FakeBotService.AppId,
            ["client_secret"] = FakeBotService.AppPassword,
            ["scope"] = "https://api.botframework.com/.default",
        }, tokenRequest.Body), tokenRequest.Body?.ToJsonString());
        Assert.Equal(2, Bot.ConnectorCalls.Count);
        Assert.All(Bot.ConnectorCalls, c => Assert.Equal("Bearer " + Bot.LastToken, c.Authorization));
    }

    [Fact]
    public async Task AReminder_IsANewMessageInThe1To1Chat_WithRenewAndStopNowButtonsForItsJob()
    {
        var person = TestPerson.New();
        var to = await _rig.KnownPersonAsync(person, inPersonalChat: true);

        await _rig.Notifier.DeliverAsync(new ReminderNotice(to, Sessions.View(SessionState.Ready, node: "node001"), TimeSpan.FromMinutes(5)), CancellationToken.None);
        await _rig.Notifier.DeliverAsync(new ReminderNotice(to, Sessions.View(SessionState.Ready, node: "node001") with { HasFollowOn = true }, TimeSpan.FromMinutes(5)), CancellationToken.None);

        var posts = Bot.ConnectorCalls.Where(c => c.Method == "POST" && c.Path == ConnectorRig.PersonalPath(person)).ToList();
        Assert.Equal(2, posts.Count);
        Assert.StartsWith("Job 4242 on node001 reaches its walltime in ", posts[0].Body!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        var actions = posts[0].Body!["attachments"]![0]!["content"]!["actions"]!.AsArray();
        Assert.Equal(["Renew", "Stop now"], actions.Select(a => a!["title"]!.GetValue<string>()));
        Assert.All(actions, a => Assert.Equal("Action.Submit", a!["type"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["command"] = "renew", ["job"] = "4242" }, actions[0]!["data"]));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["command"] = "stop", ["job"] = "4242" }, actions[1]!["data"]));
        // With a follow-on already queued there is nothing to renew.
        Assert.Equal(["Stop now"], posts[1].Body!["attachments"]![0]!["content"]!["actions"]!.AsArray().Select(a => a!["title"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TheBotsToken_IsRenewedFiveMinutesBeforeItExpires()
    {
        var to = await _rig.KnownPersonAsync(TestPerson.New(), inPersonalChat: true);
        await _rig.Notifier.DeliverAsync(new TextNotice(to, "first"), CancellationToken.None);

        _rig.Time.Advance(TimeSpan.FromMinutes(54));
        await _rig.Notifier.DeliverAsync(new TextNotice(to, "still the same token"), CancellationToken.None);
        Assert.Equal(1, Bot.TokensIssued);

        _rig.Time.Advance(TimeSpan.FromMinutes(2));
        await _rig.Notifier.DeliverAsync(new TextNotice(to, "a new token"), CancellationToken.None);
        Assert.Equal(2, Bot.TokensIssued);
        Assert.Equal("Bearer " + Bot.LastToken, Bot.ConnectorCalls[^1].Authorization);
    }

    [Fact]
    public async Task ANoticeForSomeoneKnownOnlyFromAChannel_OpensA1To1Chat_AndIsPostedThere_NeverInTheChannel()
    {
        var person = TestPerson.New();
        var to = await _rig.KnownPersonAsync(person, inPersonalChat: false);

        var delivery = await _rig.Notifier.DeliverAsync(new TextNotice(to, "Your key works."), CancellationToken.None);
        await _rig.Notifier.DeliverAsync(new TextNotice(to, "Again."), CancellationToken.None);

        Assert.Equal(Delivery.Done, delivery);
        var calls = Bot.ConnectorCalls;
        Assert.Equal(["POST /v3/conversations", $"POST {ConnectorRig.PersonalPath(person)}", $"POST {ConnectorRig.PersonalPath(person)}"],
            calls.Select(c => $"{c.Method} {c.Path}"));
        Assert.True(JsonNode.DeepEquals(new JsonObject
        {
            ["bot"] = new JsonObject { ["id"] = "28:" + FakeBotService.AppId },
            ["members"] = new JsonArray(new JsonObject { ["id"] = person.UserId }),
            ["isGroup"] = false,
            ["tenantId"] = FakeBotService.TenantId,
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = FakeBotService.TenantId } },
        }, calls[0].Body), calls[0].Body?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(new JsonObject
        {
            ["type"] = "message",
            ["text"] = "Your key works.",
            ["textFormat"] = "markdown",
        }, calls[1].Body), calls[1].Body?.ToJsonString());
    }

    [Fact]
    public async Task TheSessionCard_IsPostedOnce_ThenUpdatedInPlace_AsTheSessionMoves()
    {
        var person = TestPerson.New();
        var to = await _rig.KnownPersonAsync(person, inPersonalChat: true);
        var path = ConnectorRig.PersonalPath(person);

        await _rig.Notifier.DeliverAsync(new SessionUpdate(to, Sessions.View(SessionState.Queued), null), CancellationToken.None);
        var posted = Assert.Single(Bot.ConnectorCalls);
        Assert.Equal(("POST", path), (posted.Method, posted.Path));
        var attachment = posted.Body!["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.GetValue<string>());
        Assert.Equal("AdaptiveCard", attachment["content"]!["type"]!.GetValue<string>());
        Assert.Contains("queued", posted.Body["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Bot.ClearCalls();

        await _rig.Notifier.DeliverAsync(new SessionUpdate(to, Sessions.View(SessionState.Ready, node: "node001"), Sessions.Tunnel()), CancellationToken.None);
        Assert.Equal([("PUT", path + "/activity-1"), ("POST", path)], Bot.ConnectorCalls.Select(c => (c.Method, c.Path)));
        var ready = Bot.ConnectorCalls[0].Body!;
        Assert.Equal("activity-1", ready["id"]!.GetValue<string>());
        Assert.Contains("ssh -N -p 2222 -L 5959:node001:23456 condo_user3@127.0.0.1", ready.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("JupyterLab is ready on node001 (job 4242): the commands are on its card above.", Bot.ConnectorCalls[1].Body!["text"]!.GetValue<string>());
        Bot.ClearCalls();

        await _rig.Notifier.DeliverAsync(new SessionUpdate(to, Sessions.View(SessionState.Ended, ended: EndReason.StoppedByUser), null), CancellationToken.None);
        Assert.Equal([("PUT", path + "/activity-1"), ("POST", path)], Bot.ConnectorCalls.Select(c => (c.Method, c.Path)));
        var ended = Bot.ConnectorCalls[0].Body!.ToJsonString();
        Assert.DoesNotContain("token=", ended, StringComparison.Ordinal);
        Assert.DoesNotContain("Action.Submit", ended, StringComparison.Ordinal);
        Assert.StartsWith("Job 4242 has ended after 1 min: stopped by you.", Bot.ConnectorCalls[1].Body!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQuietEnd_RedrawsTheSessionCard_ButSendsNoMessage_AndPostsNoCardForASessionWithout()
    {
        var person = TestPerson.New();
        var to = await _rig.KnownPersonAsync(person, inPersonalChat: true);
        var path = ConnectorRig.PersonalPath(person);
        await _rig.Notifier.DeliverAsync(new SessionUpdate(to, Sessions.View(SessionState.Queued), null), CancellationToken.None);
        Bot.ClearCalls();

        var quiet = new SessionUpdate(to, Sessions.View(SessionState.Ended, ended: EndReason.NotAuthorized), null) { Quiet = true };
        Assert.Equal(Delivery.Done, await _rig.Notifier.DeliverAsync(quiet, CancellationToken.None));
        Assert.Equal([("PUT", path + "/activity-1")], Bot.ConnectorCalls.Select(c => (c.Method, c.Path)));
        Bot.ClearCalls();

        var other = TestPerson.New();
        var otherTo = await _rig.KnownPersonAsync(other, inPersonalChat: true);
        Bot.ClearCalls();
        var withoutCard = new SessionUpdate(otherTo, Sessions.View(SessionState.Ended, ended: EndReason.NotAuthorized) with { Id = CondoBot.Core.SessionId.New() }, null) { Quiet = true };
        Assert.Equal(Delivery.Done, await _rig.Notifier.DeliverAsync(withoutCard, CancellationToken.None));
        Assert.DoesNotContain(Bot.ConnectorCalls, c => c.Path.StartsWith(ConnectorRig.PersonalPath(other), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACardDeletedInTeams_IsPostedAfresh_InsteadOfFailingTheNotice()
    {
        var person = TestPerson.New();
        var to = await _rig.KnownPersonAsync(person, inPersonalChat: true);
        await _rig.Notifier.DeliverAsync(new SessionUpdate(to, Sessions.View(SessionState.Queued), null), CancellationToken.None);
        Bot.Answer(404, "ActivityNotFoundInConversation");

        var delivery = await _rig.Notifier.DeliverAsync(new SessionUpdate(to, Sessions.View(SessionState.Starting, node: "node001"), null), CancellationToken.None);

        Assert.Equal(Delivery.Done, delivery);
        Assert.Equal(["POST", "PUT", "POST"], Bot.ConnectorCalls.Select(c => c.Method));
    }

    [Fact]
    public async Task ARateLimitedNotice_StaysQueued_ForTheConnectorsRetryAfter_ThenIsDelivered()
    {
        var to = await _rig.KnownPersonAsync(TestPerson.New(), inPersonalChat: true);
        var outbox = new MemoryOutbox();
        var dispatcher = new NoticeDispatcher(outbox, [_rig.Notifier], _rig.Time, NullLogger<NoticeDispatcher>.Instance);
        await outbox.AddAsync(new TextNotice(to, "Your key works."), CancellationToken.None);
        Bot.Answer(429, "TooManyRequests", retryAfterSeconds: 7);

        Assert.Equal(0, await dispatcher.RunOnceAsync(CancellationToken.None));
        _rig.Time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(0, await dispatcher.RunOnceAsync(CancellationToken.None));
        Assert.Single(Bot.ConnectorCalls);

        _rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await dispatcher.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, outbox.Count);
        Assert.Equal(2, Bot.ConnectorCalls.Count);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task AConnectorOutage_IsRetriedLater(int status)
    {
        var to = await _rig.KnownPersonAsync(TestPerson.New(), inPersonalChat: true);
        Bot.Answer(status);

        var first = await _rig.Notifier.DeliverAsync(new TextNotice(to, "hello"), CancellationToken.None);
        var second = await _rig.Notifier.DeliverAsync(new TextNotice(to, "hello"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryLater, first.Outcome);
        Assert.Equal(Delivery.Done, second);
    }

    [Fact]
    public async Task ANoticeToSomeoneWhoRemovedTheApp_IsDropped_NotRetriedForever()
    {
        var to = await _rig.KnownPersonAsync(TestPerson.New(), inPersonalChat: true);
        Bot.Answer(403, "MessageWritesBlocked");

        var delivery = await _rig.Notifier.DeliverAsync(new SessionUpdate(to, Sessions.View(SessionState.Ended, ended: EndReason.WalltimeReached), null), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Undeliverable, delivery.Outcome);
        Assert.Contains("MessageWritesBlocked", delivery.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServiceUrlNeverSeenInAnAuthenticatedActivity_GetsNoCall_AndNoToken()
    {
        var person = TestPerson.New();
        var to = await _rig.KnownPersonAsync(person, inPersonalChat: true);
        await _rig.State.DeleteAsync("teams:serviceurl:" + Bot.ServiceUrl, CancellationToken.None);

        var delivery = await _rig.Notifier.DeliverAsync(new TextNotice(to, "hello"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Undeliverable, delivery.Outcome);
        Assert.Empty(Bot.ConnectorCalls);
        Assert.Equal(0, Bot.TokensIssued);
    }

    [Fact]
    public async Task AConversationIdIsPercentEncoded_InThePath()
    {
        var person = TestPerson.New();
        await _rig.KnownPersonAsync(person, inPersonalChat: true);
        var channel = "19:general@thread.tacv2;messageid=1700000000000";

        var sent = await _rig.Connector.SendAsync(Bot.ServiceUrl, channel, TeamsNotifier.Text("hi"), CancellationToken.None);

        Assert.True(sent.Succeeded);
        Assert.Equal("/v3/conversations/19%3Ageneral%40thread.tacv2%3Bmessageid%3D1700000000000/activities", Bot.ConnectorCalls[0].Path);
    }
}
