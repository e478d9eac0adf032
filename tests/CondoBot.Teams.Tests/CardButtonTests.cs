using System.Net;
using System.Text.Json.Nodes;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Teams.Notifying;
using CondoBot.Teams.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace CondoBot.Teams.Tests;

/// <summary>
/// The Renew and Stop buttons of session cards and reminders, pressed in Teams (a signed message activity whose
/// <c>value</c> is the button's data): each acts as the person who pressed it (<c>from.aadObjectId</c>), only on their
/// own sessions, and a button whose session has gone is answered plainly.
/// </summary>
[Collection(nameof(InMemoryServiceCollection))]
public sealed class CardButtonTests(TeamsFixture fixture) : IClassFixture<TeamsFixture>
{
    private FakeBotService Bot => fixture.Bot;

    private TeamsApp App => fixture.App;

    private async Task<string> PressAsync(TestPerson presser, JsonNode data)
    {
        var activity = TestActivities.CardSubmit(Bot.ServiceUrl, presser, data);
        var response = await App.PostActivityAsync(activity, App.SignedFor(activity));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Bot.ConnectorCalls.Single(c => c.Body?["replyToId"]?.GetValue<string>() == activity["id"]!.GetValue<string>()).Body!["text"]!.GetValue<string>();
    }

    /// <summary>The buttons of a reminder as the notifier renders it for this session, by title.</summary>
    private static Dictionary<string, JsonNode> ReminderButtons(Session session) =>
        ReminderCard.Activity(new ReminderNotice(session.Owner, session.View(DateTimeOffset.UtcNow), TimeSpan.FromMinutes(5)))["attachments"]![0]!["content"]!["actions"]!
            .AsArray().ToDictionary(a => a!["title"]!.GetValue<string>(), a => a!["data"]!);

    [Fact]
    public async Task TheRemindersRenew_FromTheOwner_QueuesAFollowOnForTheirSession()
    {
        var owner = TestPerson.New();
        var session = await StoredSessionAsync(owner);

        var text = await PressAsync(owner, ReminderButtons(session)["Renew"]);

        Assert.StartsWith($"Queueing a follow-on session for job {session.JobId}", text, StringComparison.Ordinal);
        Assert.True((await App.Services.GetRequiredService<ISessionStore>().GetAsync(session.Id, CancellationToken.None))!.KeepAlive);
    }

    [Fact]
    public async Task TheRemindersStopNow_FromTheOwner_StopsTheirSession()
    {
        var owner = TestPerson.New();
        var session = await StoredSessionAsync(owner);

        var text = await PressAsync(owner, ReminderButtons(session)["Stop now"]);

        Assert.Equal($"Stopping job {session.JobId}. I'll tell you when it has ended.", text);
    }

    [Fact]
    public async Task ARenewPressedBySomeoneElse_TouchesNothing_AndSaysSo()
    {
        var owner = TestPerson.New("Owner");
        var session = await StoredSessionAsync(owner);

        var text = await PressAsync(TestPerson.New("Mallory"), ReminderButtons(session)["Renew"]);

        Assert.Equal($"You have no session with job id {session.JobId}. `status` lists yours.", text);
        Assert.False((await App.Services.GetRequiredService<ISessionStore>().GetAsync(session.Id, CancellationToken.None))!.KeepAlive);
    }

    [Fact]
    public async Task AStopOnASessionThatHasEnded_GetsAPlainAnswer()
    {
        var owner = TestPerson.New();
        var session = await StoredSessionAsync(owner);
        var buttons = ReminderButtons(session);
        await EndAsync(session.Id, EndReason.WalltimeReached);

        var stop = await PressAsync(owner, buttons["Stop now"]);
        var renew = await PressAsync(owner, buttons["Renew"]);

        Assert.Equal($"Job {session.JobId} has already ended (walltime reached).", stop);
        Assert.Equal(stop, renew);
    }

    /// <summary>Ends the stored session as Slurm would have, read afresh if its background poll saved it meanwhile.</summary>
    private async Task EndAsync(SessionId id, EndReason reason)
    {
        var store = App.Services.GetRequiredService<ISessionStore>();
        for (var attempt = 1; ; attempt++)
        {
            var stored = (await store.GetAsync(id, CancellationToken.None))!;
            stored.End(reason, null, DateTimeOffset.UtcNow);
            try
            {
                await store.SaveAsync(stored, [], CancellationToken.None);
                return;
            }
            catch (SessionConflictException) when (attempt < 5)
            {
            }
        }
    }

    /// <summary>The buttons of the idle question as the notifier renders it for this session, by title.</summary>
    private static Dictionary<string, JsonNode> IdleButtons(Session session) =>
        ReminderCard.Idle(new IdleNotice(session.Owner, session.View(DateTimeOffset.UtcNow), TimeSpan.FromMinutes(62), TimeSpan.FromMinutes(15)))["attachments"]![0]!["content"]!["actions"]!
            .AsArray().ToDictionary(a => a!["title"]!.GetValue<string>(), a => a!["data"]!);

    [Fact]
    public async Task TheIdleQuestionsKeep_FromTheOwner_PostponesTheQuestionByTwoHours()
    {
        var owner = TestPerson.New();
        var session = await StoredSessionAsync(owner, idle: true);

        var text = await PressAsync(owner, IdleButtons(session)["Keep 2 h"]);

        Assert.StartsWith($"Keeping job {session.JobId}: I will not ask whether it is idle before", text, StringComparison.Ordinal);
        var kept = (await App.Services.GetRequiredService<ISessionStore>().GetAsync(session.Id, CancellationToken.None))!.IdleKeptUntil;
        Assert.InRange(kept!.Value, DateTimeOffset.UtcNow.AddMinutes(119), DateTimeOffset.UtcNow.AddMinutes(121));
    }

    [Fact]
    public async Task TheIdleQuestionsStopNow_FromTheOwner_StopsTheirSession_AndKeepFromSomeoneElseTouchesNothing()
    {
        var owner = TestPerson.New();
        var session = await StoredSessionAsync(owner, idle: true);

        var mallory = await PressAsync(TestPerson.New("Mallory"), IdleButtons(session)["Keep 2 h"]);
        var text = await PressAsync(owner, IdleButtons(session)["Stop now"]);

        Assert.Equal($"You have no session with job id {session.JobId}. `status` lists yours.", mallory);
        Assert.Equal($"Stopping job {session.JobId}. I'll tell you when it has ended.", text);
    }

    /// <summary>A session the core believes is running (written straight to the store: no cluster here).</summary>
    /// <summary>
    /// A ready session of a linked owner. Linked, because the session's background poll runs at once and a session whose
    /// owner has no key ends as not authorized; with a key it finds the login node down (nothing listens) and waits.
    /// </summary>
    private async Task<Session> StoredSessionAsync(TestPerson owner, bool idle = false)
    {
        var link = TestActivities.Personal(Bot.ServiceUrl, owner, "key condouser3");
        Assert.Equal(HttpStatusCode.OK, (await App.PostActivityAsync(link, App.SignedFor(link))).StatusCode);
        var session = Session.Create(SessionId.New(), new ChatUserId("teams", owner.AadObjectId), new ClusterUser("condouser3"),
            new ClusterProfile { Name = "local", LoginHost = "127.0.0.1", HostKeySha256 = "SHA256:" + new string('A', 43) },
            new StartOptions { Idle = idle ? TimeSpan.FromHours(1) : null }, 5959, 23456, DateTimeOffset.UtcNow);
        session.JobId = new SlurmJobId(Random.Shared.Next(100_000, 999_999));
        session.State = SessionState.Ready;
        session.Node = "tnode01";
        await App.Services.GetRequiredService<ISessionStore>().AddAsync(session, CancellationToken.None);
        return session;
    }
}
