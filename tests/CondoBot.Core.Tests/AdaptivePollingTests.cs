using CondoBot.Core.Clusters;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tests.Fakes;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

/// <summary>
/// How soon a session is looked at again: fast while the user is about to hear something, slower the longer a job
/// waits in the queue, and at Slurm's expected start. The delays are what the next poll is scheduled with.
/// </summary>
public class AdaptivePollingTests
{
    private static readonly JobSnapshot Pending = new(JobPhase.Pending, "PENDING", null, TimeSpan.FromHours(2), "Priority", null);
    private static readonly JobSnapshot Starting = new(JobPhase.Running, "RUNNING", "node001", TimeSpan.FromHours(2), null, null);

    private readonly CoreRig _rig = new();

    private async Task<SessionId> QueuedAsync()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        return id;
    }

    private async Task<TimeSpan> NextPollAfterAsync(SessionId id, JobSnapshot snapshot)
    {
        _rig.Cluster.Snapshot = snapshot;
        await _rig.PollAsync(id);
        Assert.Equal(("poll", (SessionId?)id), (_rig.Work.Last.Step, _rig.Work.Last.Session));
        return _rig.Work.Last.Delay;
    }

    [Fact]
    public async Task AJobJustSubmitted_IsPolledAtTheFastestRate()
    {
        var id = await QueuedAsync();

        Assert.Equal(_rig.Settings.PollInterval, await NextPollAfterAsync(id, Pending));
    }

    [Fact]
    public async Task AQueuedJob_IsPolledLessOften_TheLongerItWaits_UpToTheCap()
    {
        var id = await QueuedAsync();

        _rig.Time.Advance(TimeSpan.FromMinutes(2));
        var afterTwoMinutes = await NextPollAfterAsync(id, Pending);
        _rig.Time.Advance(TimeSpan.FromHours(1));
        var afterAnHour = await NextPollAfterAsync(id, Pending);

        Assert.Equal(TimeSpan.FromSeconds(12), afterTwoMinutes);
        Assert.Equal(_rig.Settings.QueuedPollMax, afterAnHour);
    }

    [Fact]
    public async Task AQueuedJob_IsPolledAtSlurmsExpectedStart_WhenThatComesSooner()
    {
        var id = await QueuedAsync();
        _rig.Time.Advance(TimeSpan.FromHours(1));

        var delay = await NextPollAfterAsync(id, Pending with { ExpectedStart = _rig.Time.GetUtcNow() + TimeSpan.FromSeconds(7) });

        Assert.Equal(TimeSpan.FromSeconds(7), delay);
    }

    [Fact]
    public async Task ARunningJobWhoseJupyterLabIsNotAnsweringYet_IsPolledAtTheFastestRate_HoweverLongItQueued()
    {
        var id = await QueuedAsync();
        _rig.Time.Advance(TimeSpan.FromHours(1));
        await NextPollAfterAsync(id, Pending);

        Assert.Equal(_rig.Settings.PollInterval, await NextPollAfterAsync(id, Starting));
    }

    [Fact]
    public async Task AReadySession_IsPolledAtTheRunningInterval()
    {
        var id = await QueuedAsync();

        var delay = await NextPollAfterAsync(id, Starting with { Jupyter = new JupyterEndpoint("node001", 23456, "0123456789abcdef0123") });

        Assert.Equal(_rig.Settings.RunningPollInterval, delay);
    }

    [Fact]
    public async Task AFastestRateAboveTheCap_WinsOverTheCap()
    {
        _rig.Settings.PollInterval = TimeSpan.FromMinutes(5);
        _rig.Settings.QueuedPollMax = TimeSpan.FromMinutes(1);
        var id = await QueuedAsync();
        _rig.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(TimeSpan.FromMinutes(5), await NextPollAfterAsync(id, Pending));
    }
}
