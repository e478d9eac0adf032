using CondoBot.Storage.Tests.Rigs;
using System.Reflection;
using CondoBot.Core;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;

namespace CondoBot.Storage.Tests;

/// <summary>The session store, run once per provider (the subclasses at the end).</summary>
public abstract class SessionStoreTests(StoreRig rig) : StoreTests(rig)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task GetAsync_ReturnsTheSessionWithEveryField_AsItWasAdded()
    {
        var session = Samples.FullSession(Time.GetUtcNow());
        var settable = typeof(Session).GetProperties().Where(p => p.SetMethod is not null).ToList();
        Assert.All(settable, p => Assert.NotEqual(DefaultOf(p.PropertyType), p.GetValue(session)));

        await Sessions.AddAsync(session, None);

        AssertSame(session, await Sessions.GetAsync(session.Id, None));
    }

    [Fact]
    public async Task GetAsync_KeepsEmptyOptionalFieldsEmpty()
    {
        var session = Samples.NewSession(Samples.Alice, Time.GetUtcNow());

        await Sessions.AddAsync(session, None);

        var stored = await Sessions.GetAsync(session.Id, None);
        AssertSame(session, stored);
        Assert.Null(stored!.JobId);
        Assert.Null(stored.EndReason);
        Assert.Equal(SessionState.Submitting, stored.State);
    }

    [Fact]
    public async Task GetAsync_AnswersNull_ForASessionNeverAdded()
    {
        Assert.Null(await Sessions.GetAsync(SessionId.New(), None));
    }

    [Fact]
    public async Task AddAsync_Refuses_ASessionIdAlreadyStored()
    {
        var session = Samples.NewSession(Samples.Alice, Time.GetUtcNow());
        await Sessions.AddAsync(session, None);

        await Assert.ThrowsAnyAsync<Exception>(() => Sessions.AddAsync(session, None));
    }

    [Fact]
    public async Task ListAsync_ReturnsActiveAndRecentlyEndedSessions_NewestFirst()
    {
        var t0 = Time.GetUtcNow();
        var oldestActive = await Add(Samples.NewSession(Samples.Alice, t0));
        var endedLongAgo = await Add(Ended(Samples.NewSession(Samples.Alice, t0.AddMinutes(1)), t0.AddMinutes(2)));
        var endedRecently = await Add(Ended(Samples.NewSession(Samples.Alice, t0.AddMinutes(3)), t0.AddHours(5)));
        var newestActive = await Add(Samples.NewSession(Samples.Alice, t0.AddMinutes(4)));

        var listed = await Sessions.ListAsync(Samples.Alice, t0.AddHours(1), None);

        Assert.Equal([newestActive.Id, endedRecently.Id, oldestActive.Id], listed.Select(s => s.Id));
        Assert.DoesNotContain(listed, s => s.Id == endedLongAgo.Id);
    }

    [Fact]
    public async Task ListAsync_IncludesASessionThatEndedExactlyAtTheCutOff()
    {
        var cutOff = Time.GetUtcNow().AddHours(1);
        var session = await Add(Ended(Samples.NewSession(Samples.Alice, Time.GetUtcNow()), cutOff));

        var listed = await Sessions.ListAsync(Samples.Alice, cutOff, None);

        Assert.Equal(session.Id, Assert.Single(listed).Id);
    }

    [Fact]
    public async Task FreeLocalPort_IsTheWantedOne_WhenOnlyEndedSessionsOrOtherOwnersUseIt()
    {
        var now = Time.GetUtcNow();
        await Add(Ended(Samples.NewSession(Samples.Alice, now, localPort: 8888), now));
        await Add(Samples.NewSession(Samples.Bob, now, localPort: 8888));
        await Add(Samples.NewSession(Samples.Alice, now, localPort: 8890));

        Assert.Equal(8888, await Sessions.FreeLocalPortAsync(Samples.Alice, 8888, None));
    }

    [Fact]
    public async Task FreeLocalPort_IsTheOneAfterTheOwnersHighestActivePort_WhenTheWantedOneIsInUse()
    {
        var now = Time.GetUtcNow();
        await Add(Samples.NewSession(Samples.Alice, now, localPort: 8888));
        await Add(Samples.NewSession(Samples.Alice, now, localPort: 8893));
        await Add(Ended(Samples.NewSession(Samples.Alice, now, localPort: 8899), now));
        await Add(Samples.NewSession(Samples.Bob, now, localPort: 8950));

        Assert.Equal(8894, await Sessions.FreeLocalPortAsync(Samples.Alice, 8888, None));
    }

    [Fact]
    public async Task FreeLocalPort_FollowsTheSessionsSaves_AnEndedSessionsPortIsFreeAgain()
    {
        var now = Time.GetUtcNow();
        var first = await Add(Samples.NewSession(Samples.Alice, now, localPort: 8888));
        await Add(Samples.NewSession(Samples.Alice, now, localPort: 8889));
        Assert.Equal(8890, await Sessions.FreeLocalPortAsync(Samples.Alice, 8888, None));

        first.End(EndReason.Cancelled, null, now);
        await Sessions.SaveAsync(first, [], None);

        Assert.Equal(8888, await Sessions.FreeLocalPortAsync(Samples.Alice, 8888, None));
    }

    [Fact]
    public async Task ListActiveDueAsync_ReturnsActiveSessionsDueBeforeTheTime_ByNextStepOrCreation_AndFollowsSaves()
    {
        var now = Time.GetUtcNow();
        var dueSoon = Samples.NewSession(Samples.Alice, now.AddMinutes(-30));
        dueSoon.NextStepAt = now.AddSeconds(5);
        var neverScheduled = Samples.NewSession(Samples.Bob, now.AddMinutes(-20));
        neverScheduled.NextStepAt = null;
        var ended = Samples.NewSession(Samples.Alice, now.AddMinutes(-40));
        foreach (var s in new[] { dueSoon, neverScheduled, ended }) await Sessions.AddAsync(s, None);
        ended.End(EndReason.Completed, null, now);
        await Sessions.SaveAsync(ended, [], None);

        Assert.Equal([neverScheduled.Id], (await Sessions.ListActiveDueAsync(now, None)).Select(s => s.Id));

        dueSoon.NextStepAt = now.AddMinutes(-25);
        await Sessions.SaveAsync(dueSoon, [], None);

        Assert.Equal(new HashSet<SessionId> { dueSoon.Id, neverScheduled.Id }, (await Sessions.ListActiveDueAsync(now, None)).Select(s => s.Id).ToHashSet());
    }

    [Fact]
    public async Task ListInStateAsync_ReturnsEveryUsersSessionsInThatStateOnly_OldestFirst()
    {
        var now = Time.GetUtcNow();
        var aliceReady = Samples.NewSession(Samples.Alice, now);
        var bobReady = Samples.NewSession(Samples.Bob, now.AddSeconds(1));
        var submitting = Samples.NewSession(Samples.Alice, now.AddSeconds(2));
        foreach (var s in new[] { aliceReady, bobReady, submitting }) await Sessions.AddAsync(s, None);
        foreach (var s in new[] { aliceReady, bobReady })
        {
            s.State = SessionState.Ready;
            s.JobId = new SlurmJobId(4000 + s.CreatedAt.Second);
            await Sessions.SaveAsync(s, [], None);
        }

        var ready = await Sessions.ListInStateAsync(SessionState.Ready, None);

        Assert.Equal([aliceReady.Id, bobReady.Id], ready.Select(s => s.Id));
        Assert.Equal([submitting.Id], (await Sessions.ListInStateAsync(SessionState.Submitting, None)).Select(s => s.Id));
    }

    [Fact]
    public async Task ListAsync_NeverReturnsAnotherOwnersSessions()
    {
        var now = Time.GetUtcNow();
        await Add(Samples.NewSession(Samples.Bob, now));
        // Same id on another platform is another person.
        await Add(Samples.NewSession(new ChatUserId("teams", Samples.Alice.Id), now));
        var alices = await Add(Samples.NewSession(Samples.Alice, now));

        var listed = await Sessions.ListAsync(Samples.Alice, DateTimeOffset.MinValue, None);

        Assert.Equal(alices.Id, Assert.Single(listed).Id);
        Assert.Empty(await Sessions.ListAsync(new ChatUserId("slack", "U0NOBODY"), DateTimeOffset.MinValue, None));
    }

    [Fact]
    public async Task SaveAsync_StoresTheSessionsNewState()
    {
        var session = await Add(Samples.NewSession(Samples.Alice, Time.GetUtcNow()));
        session.State = SessionState.Queued;
        session.JobId = new SlurmJobId(1234);
        session.PendingReason = "Resources";

        await Sessions.SaveAsync(session, [], None);

        AssertSame(session, await Sessions.GetAsync(session.Id, None));
    }

    [Fact]
    public async Task SaveAsync_DropsAnEndedSessionFromTheList_OnceItEndedBeforeTheCutOff()
    {
        var now = Time.GetUtcNow();
        var session = await Add(Samples.NewSession(Samples.Alice, now));
        session.End(EndReason.StoppedByUser, null, now.AddMinutes(5));

        await Sessions.SaveAsync(session, [], None);

        Assert.Empty(await Sessions.ListAsync(Samples.Alice, now.AddMinutes(6), None));
        Assert.Single(await Sessions.ListAsync(Samples.Alice, now.AddMinutes(5), None));
    }

    [Fact]
    public async Task SaveAsync_QueuesNoticesInOrder_InTheSameTransaction()
    {
        var session = await Add(Samples.NewSession(Samples.Alice, Time.GetUtcNow()));
        session.State = SessionState.Ready;
        var view = session.View(Time.GetUtcNow());
        Notice[] notices =
        [
            new SessionUpdate(Samples.Alice, view, Samples.Tunnel()),
            new TextNotice(Samples.Alice, "Your key works.", session.Id),
            new TunnelNotice(Samples.Alice, view, Samples.Tunnel()),
            new TextNotice(Samples.Bob, "Hello"),
        ];

        await Sessions.SaveAsync(session, notices, None);

        var due = await Outbox.DueAsync(Time.GetUtcNow(), 10, None);
        Assert.Equal(notices.Length, due.Count);
        // The outbox takes people in turns; each person's notices keep the order they were saved in.
        foreach (var person in notices.Select(n => n.To).Distinct())
        {
            var saved = notices.Where(n => n.To == person).ToList();
            var theirs = due.Where(d => d.Notice.To == person).ToList();
            Assert.Equal(saved.Count, theirs.Count);
            for (var i = 0; i < saved.Count; i++)
            {
                Assert.IsType(saved[i].GetType(), theirs[i].Notice);
                Assert.Equivalent(saved[i], theirs[i].Notice, strict: true);
                Assert.Equal(0, theirs[i].Attempts);
            }

            Assert.True(theirs.Select(d => d.Sequence).SequenceEqual(theirs.Select(d => d.Sequence).Order()));
        }

        Assert.Equal(SessionState.Ready, (await Sessions.GetAsync(session.Id, None))!.State);
    }

    [Fact]
    public async Task SaveAsync_StoresNeitherSessionNorNotices_WhenANoticeCannotBeQueued()
    {
        var session = await Add(Samples.NewSession(Samples.Alice, Time.GetUtcNow()));
        session.State = SessionState.Ready;
        Protector.Broken = true;

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Sessions.SaveAsync(session, [new TextNotice(Samples.Alice, "ready")], None));

        Protector.Broken = false;
        Assert.Equal(SessionState.Submitting, (await Sessions.GetAsync(session.Id, None))!.State);
        Assert.Empty(await Outbox.DueAsync(Time.GetUtcNow(), 10, None));
    }

    [Fact]
    public async Task SaveAsync_WakesTheDispatcher_OnlyWhenItQueuedNotices()
    {
        var session = await Add(Samples.NewSession(Samples.Alice, Time.GetUtcNow()));

        await Sessions.SaveAsync(session, [], None);
        Assert.False(await Signal.WaitAsync(TimeSpan.Zero, None));

        await Sessions.SaveAsync(session, [new TextNotice(Samples.Alice, "queued")], None);
        Assert.True(await Signal.WaitAsync(TimeSpan.Zero, None));
    }

    [Fact]
    public async Task SessionsAndNotices_SurviveARestart()
    {
        var session = Samples.FullSession(Time.GetUtcNow());
        await Sessions.AddAsync(session, None);
        await Sessions.SaveAsync(session, [new TextNotice(Samples.Alice, "before the restart")], None);

        Reopen();

        AssertSame(session, await Sessions.GetAsync(session.Id, None));
        var pending = Assert.Single(await Outbox.DueAsync(Time.GetUtcNow(), 10, None));
        Assert.Equal(new TextNotice(Samples.Alice, "before the restart"), pending.Notice);
    }

    [Fact]
    public async Task ConcurrentWriters_AllLand()
    {
        var now = Time.GetUtcNow();
        var sessions = Enumerable.Range(0, 40).Select(i => Samples.NewSession(Samples.Alice, now.AddSeconds(i))).ToList();

        await Task.WhenAll(sessions.Select(s => Task.Run(async () =>
        {
            await Sessions.AddAsync(s, None);
            await Sessions.SaveAsync(s, [new TextNotice(Samples.Alice, s.Id.ToString())], None);
        })));

        Assert.Equal(40, (await Sessions.ListAsync(Samples.Alice, now, None)).Count);
        Assert.Equal(40, (await Outbox.DueAsync(Time.GetUtcNow(), 100, None)).Count);
    }

    private async Task<Session> Add(Session session)
    {
        await Sessions.AddAsync(session, None);
        return session;
    }

    private static Session Ended(Session session, DateTimeOffset at)
    {
        session.End(EndReason.Completed, null, at);
        return session;
    }

    /// <summary>Compares every public property, naming the one that differs.</summary>
    private static void AssertSame(Session expected, Session? actual)
    {
        Assert.NotNull(actual);
        foreach (var property in typeof(Session).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var (want, got) = (property.GetValue(expected), property.GetValue(actual));
            if (want is System.Collections.IEnumerable list && want is not string)
            {
                Assert.True(list.Cast<object>().SequenceEqual(((System.Collections.IEnumerable)got!).Cast<object>()), property.Name);
                continue;
            }

            Assert.Equal((property.Name, want), (property.Name, got));
        }
    }

    private static object? DefaultOf(Type type) => type.IsValueType ? Activator.CreateInstance(type) : null;
}

public abstract class SessionStoreConcurrencyTests(StoreRig rig) : StoreTests(rig)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task SaveAsync_OfAStaleCopy_FailsAndChangesNothing_SoTwoStepsCannotUndoEachOther()
    {
        var session = Samples.NewSession(Samples.Alice, Time.GetUtcNow());
        await Sessions.AddAsync(session, None);
        var poll = (await Sessions.GetAsync(session.Id, None))!;
        var stop = (await Sessions.GetAsync(session.Id, None))!;

        stop.State = SessionState.Stopping;
        await Sessions.SaveAsync(stop, [], None);
        poll.State = SessionState.Ready;
        await Assert.ThrowsAsync<SessionConflictException>(() => Sessions.SaveAsync(poll, [new TextNotice(Samples.Alice, "ready")], None));

        var stored = (await Sessions.GetAsync(session.Id, None))!;
        Assert.Equal(SessionState.Stopping, stored.State);
        Assert.Empty(await Outbox.DueAsync(DateTimeOffset.MaxValue, 10, None));
        Assert.Equal(0, poll.Version);
    }

    [Fact]
    public async Task SaveAsync_InSequence_KeepsTheCallersCopyCurrent()
    {
        var session = Samples.NewSession(Samples.Alice, Time.GetUtcNow());
        await Sessions.AddAsync(session, None);

        session.State = SessionState.Queued;
        await Sessions.SaveAsync(session, [], None);
        session.State = SessionState.Ready;
        await Sessions.SaveAsync(session, [], None);

        Assert.Equal(2, (await Sessions.GetAsync(session.Id, None))!.Version);
    }

    [Fact]
    public async Task TryAddAsync_AddsOnce()
    {
        var session = Samples.NewSession(Samples.Alice, Time.GetUtcNow());

        Assert.True(await Sessions.TryAddAsync(session, None));
        Assert.False(await Sessions.TryAddAsync(session, None));
    }

    [Fact]
    public async Task ListActiveAsync_ReturnsEveryUsersUnendedSessions()
    {
        var alice = Samples.NewSession(Samples.Alice, Time.GetUtcNow());
        var bob = Samples.NewSession(Samples.Bob, Time.GetUtcNow().AddSeconds(1));
        var ended = Samples.NewSession(Samples.Alice, Time.GetUtcNow().AddSeconds(2));
        foreach (var s in new[] { alice, bob, ended }) await Sessions.AddAsync(s, None);
        ended.End(EndReason.Completed, null, Time.GetUtcNow());
        await Sessions.SaveAsync(ended, [], None);

        var active = await Sessions.ListActiveAsync(None);

        Assert.Equal([alice.Id, bob.Id], active.Select(s => s.Id));
    }
}

public sealed class SqliteSessionStoreTests() : SessionStoreTests(new SqliteRig());

public sealed class PostgresSessionStoreTests() : SessionStoreTests(new PostgresRig());

public sealed class SqliteSessionStoreConcurrencyTests() : SessionStoreConcurrencyTests(new SqliteRig());

public sealed class PostgresSessionStoreConcurrencyTests() : SessionStoreConcurrencyTests(new PostgresRig());
