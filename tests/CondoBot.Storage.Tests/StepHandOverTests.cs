using CondoBot.Core.Sessions;
using CondoBot.Storage.Tests.Rigs;

namespace CondoBot.Storage.Tests;

/// <summary>The durable hand-over from a command to its step, run once per provider (the subclasses at the end).</summary>
public abstract class StepHandOverTests(StoreRig rig) : StoreTests(rig)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task AnAddedSession_IsStoredWithItsSubmissionStep_WhichSurvivesAReopen()
    {
        var session = Samples.NewSession(Samples.Alice, Time.GetUtcNow());
        await Sessions.AddAsync(session, None);

        Reopen();

        var pending = await HandOver.PendingAsync(10, None);
        Assert.Equal([new SessionStep(session.Id, SessionStepKind.Submit, 0)], pending.Select(p => p.Step));
    }

    [Fact]
    public async Task StepsAreHandedOutNewestFirst_AndOneMarkedDone_IsNotHandedOutAgain()
    {
        var first = Samples.NewSession(Samples.Alice, Time.GetUtcNow());
        var second = Samples.NewSession(Samples.Bob, Time.GetUtcNow());
        await Sessions.AddAsync(first, None);
        await Sessions.AddAsync(second, None);
        var pending = await HandOver.PendingAsync(10, None);
        Assert.Equal([second.Id, first.Id], pending.Select(p => p.Step.Session));

        await HandOver.DoneAsync([pending[0].Sequence], None);
        Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal([first.Id], (await HandOver.PendingAsync(10, None)).Select(p => p.Step.Session));
    }

    [Fact]
    public async Task ASaveThatHandsOver_RecordsTheStepOfTheNewState_AndAPlainSaveRecordsNone()
    {
        var session = Samples.NewSession(Samples.Alice, Time.GetUtcNow());
        await Sessions.AddAsync(session, None);
        await HandOver.DoneAsync([.. (await HandOver.PendingAsync(10, None)).Select(p => p.Sequence)], None);

        session.State = SessionState.Queued;
        session.PollToken = 4;
        await Sessions.SaveAsync(session, [], None);
        Assert.Empty(await HandOver.PendingAsync(10, None));

        session.State = SessionState.Stopping;
        await Sessions.SaveAndHandOverAsync(session, None);

        Assert.Equal([new SessionStep(session.Id, SessionStepKind.Cancel, 0)], (await HandOver.PendingAsync(10, None)).Select(p => p.Step));
    }

    [Fact]
    public async Task ASaveThatConflicts_RecordsNoStep()
    {
        var session = Samples.NewSession(Samples.Alice, Time.GetUtcNow());
        await Sessions.AddAsync(session, None);
        await HandOver.DoneAsync([.. (await HandOver.PendingAsync(10, None)).Select(p => p.Sequence)], None);
        var stale = (await Sessions.GetAsync(session.Id, None))!;
        await Sessions.SaveAsync(session, [], None);

        stale.State = SessionState.Stopping;
        await Assert.ThrowsAsync<SessionConflictException>(() => Sessions.SaveAndHandOverAsync(stale, None));

        Assert.Empty(await HandOver.PendingAsync(10, None));
    }

    [Fact]
    public async Task AddingASessionThatExists_RecordsNoSecondStep()
    {
        var session = Samples.NewSession(Samples.Alice, Time.GetUtcNow());
        Assert.True(await Sessions.TryAddAsync(session, None));
        Assert.False(await Sessions.TryAddAsync(session, None));

        Assert.Single(await HandOver.PendingAsync(10, None));
    }
}

public sealed class SqliteStepHandOverTests() : StepHandOverTests(new SqliteRig());

public sealed class PostgresStepHandOverTests() : StepHandOverTests(new PostgresRig());
