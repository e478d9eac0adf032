using CondoBot.Core.Clusters;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

/// <summary>Reminders, follow-on sessions, queue feedback and recovery, on a fake clock.</summary>
public class SessionLifecycleExtrasTests
{
    private readonly CoreRig _rig = new();

    private static JobSnapshot Running(TimeSpan left) => new(JobPhase.Running, "RUNNING", "node001", left, null,
        new JupyterEndpoint("node001", 23456, "0123456789abcdef0123"));

    private async Task<SessionId> ReadyAsync(string start = "start -A cnms -t 2:00:00", TimeSpan? left = null)
    {
        var id = await _rig.StartLinkedAsync(Alice, start);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _rig.Cluster.Snapshot = Running(left ?? TimeSpan.FromMinutes(119));
        await _rig.PollAsync(id);
        return id;
    }

    [Fact]
    public async Task Reminders_AreScheduledAtEachOffsetBeforeTheEnd_WhenTheSessionIsReady()
    {
        var id = await ReadyAsync();
        var endsAt = _rig.Time.GetUtcNow() + TimeSpan.FromMinutes(119);

        Assert.Equal(
            [(id, TimeSpan.FromMinutes(15), endsAt, TimeSpan.FromMinutes(104)), (id, TimeSpan.FromMinutes(5), endsAt, TimeSpan.FromMinutes(114))],
            _rig.Work.Reminders);
    }

    [Fact]
    public async Task Reminders_LongerThanTheWholeWalltime_AreSkipped()
    {
        await ReadyAsync("start -t 10", TimeSpan.FromMinutes(9));

        Assert.Equal([TimeSpan.FromMinutes(5)], _rig.Work.Reminders.Select(r => r.Before));
    }

    [Fact]
    public async Task AReminder_IsSentOnce_NamingTheNodeTheEndTimeAndWhatToDo()
    {
        var id = await ReadyAsync();
        var (_, before, endsAt, delay) = _rig.Work.Reminders[0];
        _rig.Time.Advance(delay);

        await _rig.Workflow.RemindAsync(id, before, endsAt, CancellationToken.None);
        await _rig.Workflow.RemindAsync(id, before, endsAt, CancellationToken.None);

        var reminder = Assert.Single(_rig.Store.Queued.OfType<ReminderNotice>());
        var text = NoticeText.Render(reminder);
        Assert.Contains("Job 1001 on node001 reaches its walltime in 15 min (at 13:59 UTC)", text, StringComparison.Ordinal);
        Assert.Contains("Save your work", text, StringComparison.Ordinal);
        Assert.Contains("`stop 1001`", text, StringComparison.Ordinal);
        Assert.Contains("`renew 1001`", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reminders_MoveWhenTheEndTimeMoves_AndTheOldOnesDoNothing()
    {
        var id = await ReadyAsync();
        var old = _rig.Work.Reminders[0];
        _rig.Time.Advance(TimeSpan.FromMinutes(1));
        _rig.Cluster.Snapshot = Running(TimeSpan.FromMinutes(178));

        await _rig.PollAsync(id);
        await _rig.Workflow.RemindAsync(id, old.Before, old.EndsAt, CancellationToken.None);

        Assert.Equal(4, _rig.Work.Reminders.Count);
        Assert.Equal(_rig.Time.GetUtcNow() + TimeSpan.FromMinutes(178), _rig.Work.Reminders[^1].EndsAt);
        Assert.Empty(_rig.Store.Queued.OfType<ReminderNotice>());
    }

    [Fact]
    public async Task Reminders_AreNotRescheduledForTheSecondsSqueueDriftsBetweenPolls()
    {
        var id = await ReadyAsync();
        _rig.Time.Advance(TimeSpan.FromSeconds(30));
        _rig.Cluster.Snapshot = Running(TimeSpan.FromMinutes(119) - TimeSpan.FromSeconds(28));

        await _rig.PollAsync(id);

        Assert.Equal(2, _rig.Work.Reminders.Count);
    }

    [Fact]
    public async Task Reminders_NeverReachAnEndedSession()
    {
        var id = await ReadyAsync();
        var (_, before, endsAt, _) = _rig.Work.Reminders[0];
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Cancelled, "CANCELLED", "node001", null, null, null);
        await _rig.PollAsync(id);

        await _rig.Workflow.RemindAsync(id, before, endsAt, CancellationToken.None);

        Assert.Empty(_rig.Store.Queued.OfType<ReminderNotice>());
    }

    [Fact]
    public async Task KeepAlive_QueuesOneFollowOn_WithTheSameSettings_AfterTheFirstJob()
    {
        var id = await _rig.StartLinkedAsync(Alice, "start -A cnms -t 2:00:00 -p 8899 --keep-alive");
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);

        await _rig.PollAsync(id);
        await _rig.PollAsync(id);

        var followOnId = Assert.Single(_rig.Work.Steps, s => s.Step == "submit" && s.Session != id).Session!.Value;
        await _rig.Workflow.SubmitAsync(followOnId, CancellationToken.None);
        var followOn = _rig.Store.Get(followOnId);
        Assert.Equal(new SlurmJobId(1001), followOn.FollowsJob);
        Assert.Equal(new SlurmJobId(1001), _rig.Cluster.Submitted[1].After);
        Assert.Equal(("cnms", 8899, TimeSpan.FromHours(2)), (followOn.Account, followOn.LocalPort, followOn.Walltime));
        Assert.False(followOn.KeepAlive);
        Assert.Contains("starts when job 1001 ends", NoticeText.Render(_rig.Store.Queued[^1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renew_AsksForAFollowOn_WhichTheNextPollQueues()
    {
        var id = await ReadyAsync();

        var reply = await _rig.SayAsync(Alice, "renew");
        await _rig.PollAsync(id);
        var again = await _rig.SayAsync(Alice, "renew 1001");

        Assert.Contains("Queueing a follow-on session for job 1001", reply, StringComparison.Ordinal);
        Assert.Single(_rig.Work.Steps, s => s.Step == "submit" && s.Session != id);
        Assert.Contains("already has a follow-on", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_AlsoStopsTheQueuedFollowOn()
    {
        var id = await ReadyAsync("start -t 2:00:00 --keep-alive");
        var followOnId = _rig.Work.Steps.Last(s => s.Step == "submit").Session!.Value;

        var reply = await _rig.SayAsync(Alice, "stop 1001");

        Assert.Contains("Its follow-on is stopped too", reply, StringComparison.Ordinal);
        Assert.Equal(SessionState.Stopping, _rig.Store.Get(followOnId).State);
        Assert.Equal(2, _rig.Work.Steps.Count(s => s.Step == "cancel"));
    }

    [Fact]
    public async Task AFollowOnStuckOnDependencyNeverSatisfied_IsCancelled_AndTheUserTold()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Pending, "PENDING", null, TimeSpan.FromMinutes(5), "DependencyNeverSatisfied", null);

        await _rig.PollAsync(id);

        Assert.Equal([new SlurmJobId(1001)], _rig.Cluster.Cancelled);
        Assert.Equal(EndReason.DependencyNeverSatisfied, _rig.Store.Get(id).EndReason);
        Assert.Contains("could never start", NoticeText.Render(_rig.Store.Queued[^1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQueuedSession_ShowsThePendingReasonInPlainWords_AndTheExpectedStart()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Pending, "PENDING", null, TimeSpan.FromMinutes(30), "Resources", null,
            new DateTimeOffset(2026, 11, 29, 13, 40, 0, TimeSpan.Zero));

        await _rig.PollAsync(id);
        var status = await _rig.SayAsync(Alice, "status");

        Assert.Contains("queued (waiting for free nodes), expected to start around 13:40 UTC", status, StringComparison.Ordinal);
        Assert.Contains("waiting for free nodes", NoticeText.Render(_rig.Store.Queued[^1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALongWait_GetsOneHint_NamingPartitionsWithIdleNodes()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Pending, "PENDING", null, TimeSpan.FromMinutes(30), "Priority", null);
        _rig.Cluster.Idle.Add(new IdlePartition("short", 4, TimeSpan.FromMinutes(10)));
        await _rig.PollAsync(id);
        _rig.Time.Advance(_rig.Settings.QueueHintAfter);

        await _rig.PollAsync(id);
        await _rig.PollAsync(id);

        var hint = Assert.Single(_rig.Store.Queued.OfType<TextNotice>());
        Assert.Contains("has waited 10 min (other jobs are ahead of it)", hint.Text, StringComparison.Ordinal);
        Assert.Contains("short (4 idle, up to 10 min)", hint.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AJobPurgedAroundItsEndTime_EndsAsWalltimeReached()
    {
        var id = await ReadyAsync(left: TimeSpan.FromMinutes(10));
        _rig.Time.Advance(TimeSpan.FromMinutes(10));
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Gone, "GONE", null, null, null, null);

        await _rig.PollAsync(id);

        Assert.Equal(EndReason.WalltimeReached, _rig.Store.Get(id).EndReason);
    }

    [Fact]
    public async Task StartStopAndRenew_RecordTheStepTheySetOffWithTheSession()
    {
        var submitting = await _rig.StartLinkedAsync(Alice);
        var ready = await ReadyAsync();
        await _rig.SayAsync(Alice, $"renew {_rig.Store.Get(ready).JobId}");
        var renewedToken = _rig.Store.Get(ready).PollToken;
        await _rig.SayAsync(Alice, $"stop {_rig.Store.Get(ready).JobId}");

        Assert.Contains(new SessionStep(submitting, SessionStepKind.Submit, 0), _rig.Store.HandedOver);
        Assert.Contains(new SessionStep(ready, SessionStepKind.Poll, renewedToken), _rig.Store.HandedOver);
        Assert.Equal(new SessionStep(ready, SessionStepKind.Cancel, 0), _rig.Store.HandedOver[^1]);
    }

    [Fact]
    public async Task APollQueuedBeforeAStop_DoesNotUndoTheStop()
    {
        var id = await ReadyAsync();
        var token = _rig.Work.Last.Token;
        await _rig.SayAsync(Alice, "stop");

        await _rig.Workflow.PollAsync(id, token, CancellationToken.None);

        Assert.Equal(SessionState.Stopping, _rig.Store.Get(id).State);
    }

    [Fact]
    public async Task Start_OnAnUnknownCluster_NamesTheConfiguredOnes()
    {
        await _rig.Keys.IssueAsync(Alice, new ClusterUser("alice"), CancellationToken.None);

        var reply = await _rig.SayAsync(Alice, "start --cluster frontier");

        Assert.Contains("There is no cluster named `frontier`. Clusters: condo.", reply, StringComparison.Ordinal);
        Assert.Empty(_rig.Work.Steps);
    }
}
