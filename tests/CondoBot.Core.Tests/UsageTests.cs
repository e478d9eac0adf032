using CondoBot.Core.Clusters;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tests.Fakes;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

/// <summary>Node-hours and unspent walltime, counted from Slurm's own start and end times rather than the bot's looks.</summary>
public class UsageTests
{
    private static readonly JupyterEndpoint Lab = new("node001", 23456, "0123456789abcdef0123");

    private readonly CoreRig _rig = new();

    private DateTimeOffset Now => _rig.Time.GetUtcNow();

    private async Task<SessionId> RunningAsync(string start, DateTimeOffset slurmStart, int nodes = 1)
    {
        var id = await _rig.StartLinkedAsync(Alice, start);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Running, "RUNNING", "node001", TimeSpan.FromMinutes(100), null, Lab)
        {
            StartTime = slurmStart, EndTime = slurmStart + TimeSpan.FromHours(2), NodeCount = nodes,
        };
        await _rig.PollAsync(id);
        return id;
    }

    private string EndWith(SessionId id, string state, DateTimeOffset slurmStart, DateTimeOffset slurmEnd, int nodes = 1)
    {
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhases.FromSlurm(state), state, "node001", null, null, null)
        {
            StartTime = slurmStart, EndTime = slurmEnd, NodeCount = nodes,
        };
        _rig.PollAsync(id).GetAwaiter().GetResult();
        return NoticeText.Render(_rig.Store.Queued[^1]);
    }

    [Fact]
    public async Task TheEndedNotice_CountsNodeHoursFromSlurmsTimes_NotFromWhenTheBotNoticed()
    {
        var start = Now - TimeSpan.FromMinutes(3);
        var id = await RunningAsync("start -A cnms -t 2:00:00 -n 2", start, nodes: 2);
        _rig.Time.Advance(TimeSpan.FromMinutes(40));

        var ended = EndWith(id, "CANCELLED", start, start + TimeSpan.FromMinutes(30), nodes: 2);

        Assert.Contains("has ended after 30 min: cancelled on the cluster.", ended, StringComparison.Ordinal);
        Assert.Contains("It used 1.00 node-hour (2 nodes for 30 min, by Slurm's start and end times).", ended, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(30), _rig.Store.Get(id).RanFor);
    }

    [Fact]
    public async Task AnEarlyStop_SaysHowMuchOfTheWalltimeWentUnspent()
    {
        var start = Now;
        var id = await RunningAsync("start -A cnms -t 2:00:00", start);
        await _rig.SayAsync(Alice, "stop");
        await _rig.Workflow.CancelAsync(id, CancellationToken.None);

        var ended = EndWith(id, "CANCELLED", start, start + TimeSpan.FromMinutes(45));

        Assert.Contains("stopped by you. It used 0.75 node-hours (1 node for 45 min", ended, StringComparison.Ordinal);
        Assert.Contains("1 h 15 min of its 2 h walltime went unspent.", ended, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AJobThatReachedItsWalltime_HasNothingUnspentToReport()
    {
        var start = Now;
        var id = await RunningAsync("start -A cnms -t 2:00:00", start);

        var ended = EndWith(id, "TIMEOUT", start, start + TimeSpan.FromHours(2) + TimeSpan.FromSeconds(4));

        Assert.Contains("walltime reached. It used 2.00 node-hours", ended, StringComparison.Ordinal);
        Assert.DoesNotContain("unspent", ended, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GpusAskedFor_AreCountedInGpuHours()
    {
        var start = Now;
        var id = await RunningAsync("start -A cnms -t 2:00:00 --gpus 2", start);

        var ended = EndWith(id, "COMPLETED", start, start + TimeSpan.FromMinutes(90));

        Assert.Contains("It used 1.50 node-hours and 3.00 GPU-hours", ended, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_ShowsTheNodeHoursSoFar_WhileTheSessionRuns()
    {
        await RunningAsync("start -A cnms -t 2:00:00", Now - TimeSpan.FromMinutes(30));

        var status = await _rig.SayAsync(Alice, "status");

        Assert.Contains("0.50 node-hours so far", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_OfAnEndedSession_ShowsWhatItUsed_AndTheWalltimeLeftUnspent()
    {
        var start = Now;
        var id = await RunningAsync("start -A cnms -t 2:00:00", start);
        EndWith(id, "COMPLETED", start, start + TimeSpan.FromMinutes(60));

        var status = await _rig.SayAsync(Alice, "status");

        Assert.Contains("ended: JupyterLab exited (shut down from its menu, or finished) after 1 h, 1.00 node-hour, 1 h of the walltime unspent", status, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_WordsHoursWithTwoDecimals() =>
        Assert.Equal("1.03 node-hours", new SessionUsage(TimeSpan.FromMinutes(62), 1, 0, TimeSpan.FromHours(2)).Describe());
}
