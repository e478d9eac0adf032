using CondoBot.Storage.Tests.Rigs;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;

namespace CondoBot.Storage.Tests;

/// <summary>The notice outbox, run once per provider (the subclasses at the end).</summary>
public abstract class NoticeOutboxTests(StoreRig rig) : StoreTests(rig)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task AddAsync_QueuesTheNotice_AndWakesTheDispatcher()
    {
        await Outbox.AddAsync(new TextNotice(Samples.Alice, "hello"), None);

        Assert.True(await Signal.WaitAsync(TimeSpan.Zero, None));
        var pending = Assert.Single(await Outbox.DueAsync(Time.GetUtcNow(), 10, None));
        Assert.Equal(new TextNotice(Samples.Alice, "hello"), pending.Notice);
    }

    [Fact]
    public async Task ANoticesSuggestedCommand_IsKeptInTheOutbox()
    {
        await Outbox.AddAsync(new TextNotice(Samples.Alice, "The key is not authorized.") { Suggests = "key check" }, None);

        var pending = Assert.Single(await Outbox.DueAsync(Time.GetUtcNow(), 10, None));
        Assert.Equal("key check", Assert.IsType<TextNotice>(pending.Notice).Suggests);
    }

    [Theory]
    [InlineData("sealed under a key the ring no longer has")]
    [InlineData("a notice type this build does not know")]
    public async Task ARowThatCannotBeOpened_IsSetAside_KeptAndCountedOnce_WhileTheOthersAreDelivered(string poison)
    {
        var payload = poison.StartsWith("sealed", StringComparison.Ordinal)
            ? System.Security.Cryptography.RandomNumberGenerator.GetBytes(64)
            : Protector.Protect("""{"kind":"renamed","To":"slack:U0ALICE"}"""u8.ToArray());
        var setAside = 0L;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == Rig.Metrics.Meter && instrument.Name == "condobot.outbox.set_aside") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref setAside, value));
        listener.Start();
        Rig.InsertRawNotice(Samples.Alice.ToString(), payload);
        await Outbox.AddAsync(new TextNotice(Samples.Alice, "after the bad one"), None);
        await Outbox.AddAsync(new TextNotice(Samples.Bob, "someone else's"), None);

        var first = await Outbox.DueAsync(Time.GetUtcNow(), 10, None);
        var again = await Outbox.DueAsync(Time.GetUtcNow(), 10, None);

        // In turns: Alice's first row is the bad one, so Bob's first comes before Alice's second.
        Assert.Equal(["someone else's", "after the bad one"], first.Select(p => ((TextNotice)p.Notice).Text));
        Assert.Equal(2, again.Count);
        Assert.Equal(1, Interlocked.Read(ref setAside));
        Assert.Equal(3, Rig.OutboxRows());
    }

    [Fact]
    public async Task QueuedNotices_KeepNoTokenInPlaintext_WhereTheyAreStored()
    {
        var session = Samples.NewSession(Samples.Alice, Time.GetUtcNow());
        await Sessions.AddAsync(session, None);
        session.State = SessionState.Ready;
        await Sessions.SaveAsync(session, [new SessionUpdate(Samples.Alice, session.View(Time.GetUtcNow()), Samples.Tunnel())], None);

        var file = Rig.RawOutboxText();
        // The search must be able to find text at all: the recipient is stored in the clear.
        Assert.Contains(Samples.Alice.ToString(), file);
        Assert.DoesNotContain(Samples.Token, file);
        var pending = Assert.Single(await Outbox.DueAsync(Time.GetUtcNow(), 10, None));
        Assert.Contains(Samples.Token, Assert.IsType<SessionUpdate>(pending.Notice).Tunnel!.Url);
    }

    [Fact]
    public async Task PostponeAsync_HidesANoticeUntilItsTime_AndCountsTheAttempt()
    {
        await Outbox.AddAsync(new TextNotice(Samples.Alice, "retry me"), None);
        var first = Assert.Single(await Outbox.DueAsync(Time.GetUtcNow(), 10, None));
        var until = Time.GetUtcNow().AddSeconds(30);

        await Outbox.PostponeAsync(first.Sequence, until, None);

        Assert.Empty(await Outbox.DueAsync(until.AddMilliseconds(-1), 10, None));
        var again = Assert.Single(await Outbox.DueAsync(until, 10, None));
        Assert.Equal(first.Sequence, again.Sequence);
        Assert.Equal(1, again.Attempts);
    }

    [Fact]
    public async Task DueAsync_HoldsAPersonsLaterNotices_WhileAnEarlierOneIsPostponed()
    {
        await Outbox.AddAsync(new TextNotice(Samples.Alice, "ready"), None);
        await Outbox.AddAsync(new TextNotice(Samples.Alice, "ended"), None);
        await Outbox.AddAsync(new TextNotice(Samples.Bob, "hello"), None);
        var ready = (await Outbox.DueAsync(Time.GetUtcNow(), 10, None))[0];
        var until = Time.GetUtcNow().AddMinutes(1);

        await Outbox.PostponeAsync(ready.Sequence, until, None);

        var meanwhile = await Outbox.DueAsync(Time.GetUtcNow(), 10, None);
        Assert.Equal([new TextNotice(Samples.Bob, "hello")], meanwhile.Select(p => p.Notice));
        var later = await Outbox.DueAsync(until, 10, None);
        Assert.Equal(["ready", "hello", "ended"], later.Select(p => ((TextNotice)p.Notice).Text));
    }

    [Fact]
    public async Task DueAsync_TakesPeopleInTurns_SoOnePersonsBacklogDoesNotHoldUpAnothersFirstNotice()
    {
        for (var i = 0; i < 5; i++) await Outbox.AddAsync(new TextNotice(Samples.Alice, "alice " + i), None);
        await Outbox.AddAsync(new TextNotice(Samples.Bob, "bob 0"), None);
        await Outbox.AddAsync(new TextNotice(Samples.Bob, "bob 1"), None);

        var due = await Outbox.DueAsync(Time.GetUtcNow(), 4, None);

        Assert.Equal(["alice 0", "bob 0", "alice 1", "bob 1"], due.Select(p => ((TextNotice)p.Notice).Text));
    }

    [Fact]
    public async Task DueAsync_ReturnsAtMostMax_OldestFirst()
    {
        foreach (var text in new[] { "one", "two", "three" }) await Outbox.AddAsync(new TextNotice(Samples.Alice, text), None);

        var due = await Outbox.DueAsync(Time.GetUtcNow(), 2, None);

        Assert.Equal(["one", "two"], due.Select(p => ((TextNotice)p.Notice).Text));
    }

    [Fact]
    public async Task CompleteAsync_RemovesTheNotice_ForGood()
    {
        await Outbox.AddAsync(new TextNotice(Samples.Alice, "one"), None);
        await Outbox.AddAsync(new TextNotice(Samples.Alice, "two"), None);
        var first = (await Outbox.DueAsync(Time.GetUtcNow(), 10, None))[0];

        await Outbox.CompleteAsync(first.Sequence, None);
        Reopen();

        var left = Assert.Single(await Outbox.DueAsync(Time.GetUtcNow(), 10, None));
        Assert.Equal(new TextNotice(Samples.Alice, "two"), left.Notice);
    }

    [Fact]
    public async Task PostponedNotices_StayPostponed_AfterARestart()
    {
        await Outbox.AddAsync(new TextNotice(Samples.Alice, "retry me"), None);
        var pending = Assert.Single(await Outbox.DueAsync(Time.GetUtcNow(), 10, None));
        var until = Time.GetUtcNow().AddMinutes(5);
        await Outbox.PostponeAsync(pending.Sequence, until, None);

        Reopen();

        Assert.Empty(await Outbox.DueAsync(Time.GetUtcNow(), 10, None));
        Assert.Equal(1, Assert.Single(await Outbox.DueAsync(until, 10, None)).Attempts);
    }
}

public sealed class SqliteNoticeOutboxTests() : NoticeOutboxTests(new SqliteRig());

public sealed class PostgresNoticeOutboxTests() : NoticeOutboxTests(new PostgresRig());
