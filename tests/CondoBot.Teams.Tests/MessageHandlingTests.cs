using System.Net;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Sessions;
using CondoBot.Teams.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace CondoBot.Teams.Tests;

/// <summary>Authenticated activities through the real service: the command grammar, mentions, retries and the card's Stop.</summary>
[Collection(nameof(InMemoryServiceCollection))]
public sealed class MessageHandlingTests(TeamsFixture fixture) : IClassFixture<TeamsFixture>
{
    private FakeBotService Bot => fixture.Bot;

    private TeamsApp App => fixture.App;

    private async Task<string> SendAsync(System.Text.Json.Nodes.JsonObject activity)
    {
        var before = Bot.ConnectorCalls.Count;
        var response = await App.PostActivityAsync(activity, App.SignedFor(activity));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Bot.ConnectorCalls.Skip(before).Single(c => c.Body?["replyToId"]?.GetValue<string>() == activity["id"]!.GetValue<string>());
        return reply.Body!["text"]!.GetValue<string>();
    }

    [Fact]
    public async Task AMentionInAChannel_IsAnsweredInThatChannel_WithTheSameGrammar()
    {
        var person = TestPerson.New();
        var activity = TestActivities.InChannel(Bot.ServiceUrl, person, "start -n two");

        var text = await SendAsync(activity);

        Assert.StartsWith("`two` is not a node count", text, StringComparison.Ordinal);
        Assert.Contains(Bot.ConnectorCalls, c => c.Path == "/v3/conversations/19%3Ageneral%40thread.tacv2%3Bmessageid%3D1700000000000/activities");
    }

    [Fact]
    public async Task AnActivityTeamsRetries_IsHandledOnce_AndStartsOneSession()
    {
        var person = TestPerson.New();
        await SendAsync(TestActivities.Personal(Bot.ServiceUrl, person, "key condouser3"));
        var start = TestActivities.Personal(Bot.ServiceUrl, person, "start -A birthright -t 0:10:00");

        var reply = await SendAsync(start);
        var retry = await App.PostActivityAsync(start, App.SignedFor(start));

        Assert.StartsWith("Submitting JupyterLab on local as condouser3", reply, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Single(Bot.ConnectorCalls, c => c.Body?["replyToId"]?.GetValue<string>() == start["id"]!.GetValue<string>());
        var sessions = await App.Services.GetRequiredService<ISessionStore>()
            .ListAsync(new ChatUserId("teams", person.AadObjectId), DateTimeOffset.MinValue, CancellationToken.None);
        Assert.Single(sessions);
    }

    [Fact]
    public async Task TheCardsStop_FromTheOwner_StopsTheirSession()
    {
        var owner = TestPerson.New();
        var job = await RunningSessionAsync(owner);

        var text = await SendAsync(TestActivities.CardSubmit(Bot.ServiceUrl, owner, new System.Text.Json.Nodes.JsonObject { ["command"] = "stop", ["job"] = job.ToString() }));

        Assert.Equal($"Stopping job {job}. I'll tell you when it has ended.", text);
    }

    [Fact]
    public async Task TheCardsStop_FromSomeoneElse_DoesNotTouchTheSession()
    {
        var owner = TestPerson.New("Owner");
        var job = await RunningSessionAsync(owner);
        var other = TestPerson.New("Mallory");

        var text = await SendAsync(TestActivities.CardSubmit(Bot.ServiceUrl, other, new System.Text.Json.Nodes.JsonObject { ["command"] = "stop", ["job"] = job.ToString() }));

        Assert.Equal($"You have no session with job id {job}. `status` lists yours.", text);
        var session = (await App.Services.GetRequiredService<ISessionStore>()
            .ListAsync(new ChatUserId("teams", owner.AadObjectId), DateTimeOffset.MinValue, CancellationToken.None)).Single();
        Assert.Equal(SessionState.Ready, session.State);
    }

    [Fact]
    public async Task ANonMessageActivity_IsAcknowledged_AndRemembersWhereToReachTheSender()
    {
        var person = TestPerson.New();
        var update = TestActivities.Personal(Bot.ServiceUrl, person, "");
        update["type"] = "conversationUpdate";
        update.Remove("text");

        var response = await App.PostActivityAsync(update, App.SignedFor(update));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(fixture.CallsFor(person));
        var state = App.Services.GetRequiredService<CondoBot.Core.Notices.IChatStateStore>();
        Assert.NotNull(await state.GetAsync("teams:user:" + person.AadObjectId, CancellationToken.None));
    }

    /// <summary>A session the core believes is running (written straight to the store: no cluster here).</summary>
    /// <summary>
    /// A ready session of a linked owner. Linked, because the session's background poll runs at once and a session whose
    /// owner has no key ends as not authorized; with a key it finds the login node down (nothing listens) and waits.
    /// </summary>
    private async Task<SlurmJobId> RunningSessionAsync(TestPerson owner)
    {
        await SendAsync(TestActivities.Personal(Bot.ServiceUrl, owner, "key condouser3"));
        var job = new SlurmJobId(Random.Shared.Next(100_000, 999_999));
        var session = Session.Create(SessionId.New(), new ChatUserId("teams", owner.AadObjectId), new ClusterUser("condouser3"),
            new ClusterProfile { Name = "local", LoginHost = "127.0.0.1", HostKeySha256 = "SHA256:" + new string('A', 43) },
            new StartOptions(), 5959, 23456, DateTimeOffset.UtcNow);
        session.JobId = job;
        session.State = SessionState.Ready;
        await App.Services.GetRequiredService<ISessionStore>().AddAsync(session, CancellationToken.None);
        return job;
    }
}
