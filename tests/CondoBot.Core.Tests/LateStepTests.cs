using CondoBot.Core.Clusters;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

/// <summary>Steps the job queue delivers late or never: reminders sent by polls, and the watchdog that re-queues.</summary>
public class LateStepTests
{
    private readonly CoreRig _rig = new();

    private static JobSnapshot Running(TimeSpan left) => new(JobPhase.Running, "RUNNING", "node001", left, null,
        new JupyterEndpoint("node001", 23456, "0123456789abcdef0123"));

    private SessionWatchdog Watchdog => new(_rig.Store, _rig.Claims, _rig.Work, _rig.Options, _rig.Time, NullLogger<SessionWatchdog>.Instance);

    private async Task<SessionId> ReadyAsync(TimeSpan left)
    {
        var id = await _rig.StartLinkedAsync(Alice, "start -A cnms -t 2:00:00");
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _rig.Cluster.Snapshot = Running(left);
        await _rig.PollAsync(id);
        return id;
    }

    [Fact]
    public async Task AReminderWhoseStepNeverRan_IsSentByTheFirstPollAfterItsTime_AndOnlyOnce()
    {
        var id = await ReadyAsync(TimeSpan.FromMinutes(20));
        var scheduled = _rig.Work.Reminders.Single(r => r.Before == TimeSpan.FromMinutes(15));

        _rig.Time.Advance(TimeSpan.FromMinutes(6));
        _rig.Cluster.Snapshot = Running(TimeSpan.FromMinutes(14));
        await _rig.PollAsync(id);
        await _rig.PollAsync(id);
        var reminder = Assert.Single(_rig.Store.Queued.OfType<ReminderNotice>());
        await _rig.Workflow.RemindAsync(id, scheduled.Before, scheduled.EndsAt, CancellationToken.None);

        Assert.Equal(TimeSpan.FromMinutes(15), reminder.Before);
        Assert.Single(_rig.Store.Queued.OfType<ReminderNotice>());
    }

    [Fact]
    public async Task ASessionFoundReadyAfterSeveralReminderTimes_GetsOnlyTheNearestReminder()
    {
        await ReadyAsync(TimeSpan.FromMinutes(4));

        var reminder = Assert.Single(_rig.Store.Queued.OfType<ReminderNotice>());
        Assert.Equal(TimeSpan.FromMinutes(5), reminder.Before);
        Assert.Empty(_rig.Work.Reminders);
    }

    [Fact]
    public async Task APollThatIsLongOverdue_IsQueuedAgainByTheWatchdog_WithTheCurrentToken()
    {
        var id = await ReadyAsync(TimeSpan.FromMinutes(100));
        var session = await _rig.Store.GetAsync(id, CancellationToken.None);
        _rig.Work.Steps.Clear();

        _rig.Time.Advance(_rig.Settings.RunningPollInterval + _rig.Settings.OverdueAfter + TimeSpan.FromSeconds(1));
        var queued = await Watchdog.SweepAsync(CancellationToken.None);

        Assert.Equal(1, queued);
        Assert.Equal(("poll", (SessionId?)id, session!.PollToken, TimeSpan.Zero), Assert.Single(_rig.Work.Steps));
    }

    [Fact]
    public async Task APollThatIsMerelyDue_IsLeftToTheJobQueue()
    {
        await ReadyAsync(TimeSpan.FromMinutes(100));
        _rig.Work.Steps.Clear();

        _rig.Time.Advance(_rig.Settings.RunningPollInterval + _rig.Settings.OverdueAfter - TimeSpan.FromSeconds(1));

        Assert.Equal(0, await Watchdog.SweepAsync(CancellationToken.None));
        Assert.Empty(_rig.Work.Steps);
    }

    [Fact]
    public async Task ASessionStillBeingSubmitted_IsSubmittedAgainOnlyAfterTheLongerGrace()
    {
        var id = await _rig.StartLinkedAsync(Alice, "start -A cnms -t 2:00:00");
        _rig.Work.Steps.Clear();

        _rig.Time.Advance(_rig.Settings.SubmitOverdueAfter);
        Assert.Equal(0, await Watchdog.SweepAsync(CancellationToken.None));
        _rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await Watchdog.SweepAsync(CancellationToken.None));

        Assert.Equal(("submit", (SessionId?)id, 0, TimeSpan.Zero), Assert.Single(_rig.Work.Steps));
    }

    [Fact]
    public async Task AStopWhoseCancellationWasLost_IsCancelledAgainByTheWatchdog()
    {
        var id = await ReadyAsync(TimeSpan.FromMinutes(100));
        await _rig.SayAsync(Alice, "stop");
        _rig.Work.Steps.Clear();

        _rig.Time.Advance(_rig.Settings.OverdueAfter + TimeSpan.FromSeconds(1));
        await Watchdog.SweepAsync(CancellationToken.None);

        Assert.Equal(("cancel", (SessionId?)id, 0, TimeSpan.Zero), Assert.Single(_rig.Work.Steps));
    }
}
