using CondoBot.Core.Clusters;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tests.Fakes;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

/// <summary>
/// Idle labs, decided from JupyterLab's own activity report with a fake clock: asked once after the idle time, stopped
/// after the grace unanswered, never while a kernel is busy, and kept on activity or on <c>keep</c>.
/// </summary>
public class IdleTests
{
    private static readonly JupyterEndpoint Lab = new("node001", 23456, "0123456789abcdef0123");

    private readonly CoreRig _rig = new();
    private DateTimeOffset _started;

    private DateTimeOffset Now => _rig.Time.GetUtcNow();

    /// <summary>A ready session whose JupyterLab was last active when it started.</summary>
    private async Task<SessionId> ReadyAsync(string start = "start -A cnms -t 2:00:00 --idle 1:00:00")
    {
        var id = await _rig.StartLinkedAsync(Alice, start);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _started = Now;
        Report(lastActivity: _started);
        await _rig.PollAsync(id);
        Assert.Equal(SessionState.Ready, _rig.Store.Get(id).State);
        return id;
    }

    /// <summary>What the job's activity file says now.</summary>
    private void Report(DateTimeOffset lastActivity, int busy = 0, DateTimeOffset? checkedAt = null) =>
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Running, "RUNNING", "node001", null, null, Lab)
        {
            StartTime = _started, EndTime = _started + TimeSpan.FromHours(2), NodeCount = 1,
            Activity = new LabActivity(lastActivity, 0, busy, busy, checkedAt ?? Now),
        };

    private async Task AfterAsync(SessionId id, TimeSpan wait, DateTimeOffset? lastActivity = null, int busy = 0)
    {
        _rig.Time.Advance(wait);
        Report(lastActivity ?? _started, busy);
        await _rig.PollAsync(id);
    }

    private List<IdleNotice> Questions => _rig.Store.Queued.OfType<IdleNotice>().ToList();

    [Fact]
    public async Task ALabIdleForItsIdleTime_IsAskedAboutOnce_WithItsNodeAndUsageSoFar()
    {
        var id = await ReadyAsync();

        await AfterAsync(id, TimeSpan.FromMinutes(59));
        Assert.Empty(Questions);
        await AfterAsync(id, TimeSpan.FromMinutes(3));
        await AfterAsync(id, TimeSpan.FromMinutes(1));

        var question = Assert.Single(Questions);
        var text = NoticeText.Render(question);
        Assert.StartsWith("JupyterLab on node001 has been idle for 62 min (1 node, 1.03 node-hours so far).", text, StringComparison.Ordinal);
        Assert.Contains("`keep 1001 2h`", text, StringComparison.Ordinal);
        Assert.Contains("`stop 1001`", text, StringComparison.Ordinal);
        Assert.Contains("I stop it in 15 min", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithNoAnswerWithinTheGrace_TheSessionIsStopped_AndTheEndedNoticeSaysWhyAndWhatItSaved()
    {
        var id = await ReadyAsync();
        await AfterAsync(id, TimeSpan.FromMinutes(62));

        await AfterAsync(id, TimeSpan.FromMinutes(14));
        Assert.Equal(SessionState.Ready, _rig.Store.Get(id).State);
        await AfterAsync(id, TimeSpan.FromMinutes(1));

        Assert.Equal(SessionState.Stopping, _rig.Store.Get(id).State);
        Assert.Equal("cancel", _rig.Work.Last.Step);
        await _rig.Workflow.CancelAsync(id, CancellationToken.None);
        Assert.Equal([new SlurmJobId(1001)], _rig.Cluster.Cancelled);
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Cancelled, "CANCELLED", "node001", null, null, null)
        {
            StartTime = _started, EndTime = _started + TimeSpan.FromMinutes(78), NodeCount = 1,
        };
        await _rig.PollAsync(id);

        var ended = NoticeText.Render(_rig.Store.Queued[^1]);
        Assert.Contains("has ended after 1 h 18 min: stopped as idle", ended, StringComparison.Ordinal);
        Assert.Contains("Stopping it saved 0.70 node-hours of the allocation (42 min of its 2 h walltime left, on 1 node).", ended, StringComparison.Ordinal);
        Assert.Equal(EndReason.StoppedAsIdle, _rig.Store.Get(id).EndReason);
    }

    [Fact]
    public async Task StoppingAKeepAliveSessionAsIdle_AlsoStopsItsQueuedFollowOn()
    {
        var id = await ReadyAsync("start -A cnms -t 2:00:00 --idle 1:00:00 --keep-alive");
        var followOn = _rig.Store.Get(id).FollowOn!.Value;

        await AfterAsync(id, TimeSpan.FromMinutes(62));
        await AfterAsync(id, TimeSpan.FromMinutes(15));

        Assert.Equal(SessionState.Stopping, _rig.Store.Get(id).State);
        Assert.Equal(SessionState.Stopping, _rig.Store.Get(followOn).State);
        Assert.Contains(_rig.Work.Steps, s => s.Step == "cancel" && s.Session == followOn);
    }

    [Fact]
    public async Task ABusyKernel_IsNeverAskedAboutNorStopped_HoweverLongAgoTheLastActivity()
    {
        var id = await ReadyAsync();

        for (var i = 0; i < 10; i++) await AfterAsync(id, TimeSpan.FromMinutes(30), busy: 1);

        Assert.Empty(Questions);
        Assert.Equal(SessionState.Ready, _rig.Store.Get(id).State);
        Assert.DoesNotContain(_rig.Work.Steps, s => s.Step == "cancel");
    }

    [Fact]
    public async Task AKernelThatTurnsBusyAfterTheQuestion_CallsOffTheStop()
    {
        var id = await ReadyAsync();
        await AfterAsync(id, TimeSpan.FromMinutes(62));

        await AfterAsync(id, TimeSpan.FromMinutes(5), busy: 1);
        await AfterAsync(id, TimeSpan.FromMinutes(20), busy: 1);

        Assert.Equal(SessionState.Ready, _rig.Store.Get(id).State);
        Assert.Contains(_rig.Store.Queued, n => NoticeText.Render(n) == "JupyterLab on node001 is in use again, so I will not stop job 1001.");
    }

    [Fact]
    public async Task ActivityAfterTheQuestion_CallsOffThePendingStop_AndTheLabIsAskedAboutOnlyOnceIdleAgain()
    {
        var id = await ReadyAsync();
        await AfterAsync(id, TimeSpan.FromMinutes(62));
        var usedAt = Now + TimeSpan.FromMinutes(5);

        await AfterAsync(id, TimeSpan.FromMinutes(10), lastActivity: usedAt);
        await AfterAsync(id, TimeSpan.FromMinutes(20), lastActivity: usedAt);

        Assert.Equal(SessionState.Ready, _rig.Store.Get(id).State);
        Assert.Single(Questions);
        await AfterAsync(id, usedAt + TimeSpan.FromHours(1) - Now, lastActivity: usedAt);
        Assert.Equal(2, Questions.Count);
    }

    [Fact]
    public async Task Keep_PostponesTheQuestion_AndCallsOffThePendingStop()
    {
        var id = await ReadyAsync();
        await AfterAsync(id, TimeSpan.FromMinutes(62));

        var reply = await _rig.SayAsync(Alice, "keep 1001 2h");
        await AfterAsync(id, TimeSpan.FromMinutes(20));
        await AfterAsync(id, TimeSpan.FromMinutes(90));

        Assert.StartsWith("Keeping job 1001: I will not ask whether it is idle before 15:02 UTC (2 h).", reply, StringComparison.Ordinal);
        Assert.Equal(SessionState.Ready, _rig.Store.Get(id).State);
        Assert.Single(Questions);
        await AfterAsync(id, TimeSpan.FromMinutes(11));
        Assert.Equal(2, Questions.Count);
    }

    [Fact]
    public async Task Keep_OnSomeoneElsesJob_IsRefused_AndChangesNothing()
    {
        var id = await ReadyAsync();
        await AfterAsync(id, TimeSpan.FromMinutes(62));
        await _rig.Keys.IssueAsync(Bob, new ClusterUser("bob"), CancellationToken.None);

        var reply = await _rig.SayAsync(Bob, "keep 1001 2h");

        Assert.Equal("You have no session with job id 1001. `status` lists yours.", reply);
        Assert.Null(_rig.Store.Get(id).IdleKeptUntil);
        Assert.NotNull(_rig.Store.Get(id).IdleAskedAt);
    }

    [Fact]
    public async Task Keep_OnASessionNotWatchedForIdleness_SaysSo()
    {
        await ReadyAsync("start -A cnms -t 2:00:00 --idle off");

        var reply = await _rig.SayAsync(Alice, "keep 1001 2h");

        Assert.Contains("is not stopped when idle", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdleOff_IsNeverAsked_EvenWhenTheClusterAsks()
    {
        _rig.Clusters.Get("condo").IdleAfter = TimeSpan.FromMinutes(30);
        var id = await ReadyAsync("start -A cnms -t 2:00:00 --idle off");

        await AfterAsync(id, TimeSpan.FromMinutes(100));

        Assert.Empty(Questions);
        Assert.Null(_rig.Store.Get(id).IdleAfter);
    }

    [Fact]
    public async Task WithoutIdle_TheClustersIdleAfterApplies_AndWithoutOneNothingIsAsked()
    {
        var unwatched = await ReadyAsync("start -A cnms -t 2:00:00");
        await AfterAsync(unwatched, TimeSpan.FromMinutes(100));
        Assert.Empty(Questions);

        _rig.Clusters.Get("condo").IdleAfter = TimeSpan.FromMinutes(30);
        await _rig.SayAsync(Alice, "stop 1001");
        var id = await ReadyAsync("start -A cnms -t 2:00:00");
        await AfterAsync(id, TimeSpan.FromMinutes(31));

        Assert.Equal(TimeSpan.FromMinutes(30), _rig.Store.Get(id).IdleAfter);
        Assert.Single(Questions);
    }

    [Fact]
    public async Task AStaleActivityReport_DecidesNothing()
    {
        var id = await ReadyAsync();
        _rig.Time.Advance(TimeSpan.FromMinutes(62));
        Report(_started, checkedAt: Now - TimeSpan.FromMinutes(10));

        await _rig.PollAsync(id);

        Assert.Empty(Questions);
    }

    [Fact]
    public async Task AReadySession_IsLookedAtWhenItsIdleTimeAndItsGraceRunOut_NotASlowCycleLater()
    {
        _rig.Settings.RunningPollInterval = TimeSpan.FromMinutes(10);
        _rig.Settings.IdleGrace = TimeSpan.FromSeconds(25);
        var id = await ReadyAsync("start -A cnms -t 2:00:00 --idle 45s");
        Assert.Equal(TimeSpan.FromSeconds(45), _rig.Work.Steps.Last(s => s.Step == "poll").Delay);

        await AfterAsync(id, TimeSpan.FromSeconds(45));
        Assert.Single(Questions);
        Assert.Equal(TimeSpan.FromSeconds(25), _rig.Work.Steps.Last(s => s.Step == "poll").Delay);
        await AfterAsync(id, TimeSpan.FromSeconds(25));

        Assert.Equal(SessionState.Stopping, _rig.Store.Get(id).State);
    }
}
