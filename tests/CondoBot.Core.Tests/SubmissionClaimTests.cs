using CondoBot.Core.Sessions;
using CondoBot.Core.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

/// <summary>
/// A session's sbatch runs only under its submission claim: a second step at once does nothing, a claim left by a dead
/// holder is taken over after a look for its job, and a stop while sbatch is in flight cancels the job it creates.
/// </summary>
public class SubmissionClaimTests
{
    private readonly CoreRig _rig = new();

    private SessionWatchdog Watchdog => new(_rig.Store, _rig.Claims, _rig.Work, _rig.Options, _rig.Time, NullLogger<SessionWatchdog>.Instance);

    [Fact]
    public async Task TwoSubmissionStepsAtOnce_OnlyTheOneHoldingTheClaimRunsSbatch()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        _rig.Cluster.WhileSubmitting = () => _rig.Workflow.SubmitAsync(id, CancellationToken.None);

        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);

        Assert.Single(_rig.Cluster.Submitted);
        Assert.Equal(SessionState.Queued, _rig.Store.Get(id).State);
        Assert.Null(await _rig.Claims.ClaimedUntilAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task ASubmissionWhoseClaimIsLive_DoesNothing()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        _rig.Claims.LeftBy(id, _rig.Time.GetUtcNow() + TimeSpan.FromSeconds(10));

        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);

        Assert.Empty(_rig.Cluster.Submitted);
        Assert.Equal(SessionState.Submitting, _rig.Store.Get(id).State);
    }

    [Fact]
    public async Task AClaimThatRanOut_IsTakenOver_AndTheJobItsDeadHolderSubmittedIsAdopted()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        var submittedByTheDead = new SlurmJobId(77);
        _rig.Cluster.Existing[id] = submittedByTheDead;
        _rig.Claims.LeftBy(id, _rig.Time.GetUtcNow() - TimeSpan.FromSeconds(1));

        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);

        Assert.Empty(_rig.Cluster.Submitted);
        Assert.Equal((SessionState.Queued, (SlurmJobId?)submittedByTheDead), (_rig.Store.Get(id).State, _rig.Store.Get(id).JobId));
    }

    [Fact]
    public async Task TheWatchdog_LeavesALiveClaimAlone_AndQueuesTheSubmissionAtOnceWhenItRunsOut()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        _rig.Work.Steps.Clear();
        _rig.Claims.LeftBy(id, _rig.Time.GetUtcNow() + _rig.Settings.SubmitLease);

        _rig.Time.Advance(_rig.Settings.SubmitLease - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await Watchdog.SweepAsync(CancellationToken.None));
        _rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Watchdog.SweepAsync(CancellationToken.None));

        Assert.True(_rig.Settings.SubmitLease < _rig.Settings.SubmitOverdueAfter);
        Assert.Equal(("submit", (SessionId?)id, 0, TimeSpan.Zero), Assert.Single(_rig.Work.Steps));
    }

    [Fact]
    public async Task AClaimHeldByARunningStep_IsRenewedPastItsLength()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        await using var lease = await SubmissionLease.TryTakeAsync(_rig.Claims, id, TimeSpan.FromSeconds(30), _rig.Time, CancellationToken.None);
        Assert.NotNull(lease);

        for (var i = 0; i < 6; i++)
        {
            _rig.Time.Advance(TimeSpan.FromSeconds(10));
            await WaitForAsync(async () => await _rig.Claims.ClaimedUntilAsync(id, CancellationToken.None) > _rig.Time.GetUtcNow() + TimeSpan.FromSeconds(15));
        }

        Assert.True(lease.IsHeld);
        Assert.False(await _rig.Claims.TryTakeAsync(id, Guid.NewGuid(), _rig.Time.GetUtcNow(), _rig.Time.GetUtcNow() + TimeSpan.FromSeconds(30), CancellationToken.None));
    }

    [Fact]
    public async Task AStopWhileSbatchIsInFlight_WaitsForTheSubmission_ThenCancelsTheJobItCreated()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        _rig.Cluster.WhileSubmitting = async () =>
        {
            await _rig.SayAsync(Alice, "stop");
            _rig.Work.Steps.Clear();
            await _rig.Workflow.CancelAsync(id, CancellationToken.None);
        };

        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        var waited = Assert.Single(_rig.Work.Steps);
        var session = _rig.Store.Get(id);
        Assert.Equal(("cancel", (SessionId?)id), (waited.Step, waited.Session));
        Assert.Equal((SessionState.Stopping, (SlurmJobId?)new SlurmJobId(1001)), (session.State, session.JobId));

        await _rig.Workflow.CancelAsync(id, CancellationToken.None);

        Assert.Equal([new SlurmJobId(1001)], _rig.Cluster.Cancelled);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the renewal did not happen within 10 s");
            await Task.Delay(10);
        }
    }
}
