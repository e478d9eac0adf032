using CondoBot.Core.Clusters;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tests.Fakes;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

/// <summary>Ends told promptly (looks near the known end time, not on the slow cycle) and in order (a follow-on after its predecessor).</summary>
public class PromptEndTests
{
    private static readonly JupyterEndpoint Lab = new("node001", 23456, "0123456789abcdef0123");

    private readonly CoreRig _rig = new();

    private DateTimeOffset Now => _rig.Time.GetUtcNow();

    private JobSnapshot Running(DateTimeOffset end) =>
        new(JobPhase.Running, "RUNNING", "node001", end - Now, null, Lab) { StartTime = end - TimeSpan.FromHours(2), EndTime = end };

    private async Task<SessionId> ReadyAsync(DateTimeOffset end, string start = "start -A cnms -t 2:00:00")
    {
        var id = await _rig.StartLinkedAsync(Alice, start);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _rig.Cluster.Snapshot = Running(end);
        await _rig.PollAsync(id);
        return id;
    }

    private TimeSpan LastDelay(SessionId id) => _rig.Work.Steps.Last(s => s.Step == "poll" && s.Session == id).Delay;

    [Fact]
    public async Task AReadySession_FarFromItsEnd_IsLookedAtOnTheSlowCycle()
    {
        var id = await ReadyAsync(Now + TimeSpan.FromMinutes(90));

        Assert.Equal(_rig.Settings.RunningPollInterval, LastDelay(id));
    }

    [Fact]
    public async Task AReadySession_IsWokenAtTheMomentItsWalltimeRunsOut_NotOnTheSlowCycle()
    {
        var end = Now + TimeSpan.FromSeconds(20);
        var id = await ReadyAsync(end);

        Assert.Equal(TimeSpan.FromSeconds(20), LastDelay(id));
    }

    [Fact]
    public async Task PastItsEnd_ASessionSlurmHasNotEndedYet_IsLookedAtEveryFewSeconds_UntilTheEnd()
    {
        var end = Now + TimeSpan.FromSeconds(20);
        var id = await ReadyAsync(end);
        _rig.Time.Advance(TimeSpan.FromSeconds(21));
        _rig.Cluster.Snapshot = Running(end) with { TimeLeft = TimeSpan.Zero };

        await _rig.PollAsync(id);
        Assert.Equal(_rig.Settings.EndPollInterval, LastDelay(id));

        _rig.Time.Advance(_rig.Settings.EndPollInterval);
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhase.TimedOut, "TIMEOUT", "node001", null, null, null)
        {
            StartTime = end - TimeSpan.FromHours(2), EndTime = end + TimeSpan.FromSeconds(22),
        };
        await _rig.PollAsync(id);

        Assert.Contains("walltime reached", NoticeText.Render(_rig.Store.Queued[^1]), StringComparison.Ordinal);
        Assert.Equal(end + TimeSpan.FromSeconds(22), _rig.Store.Get(id).EndedAt);
    }

    [Fact]
    public async Task LongPastItsEnd_ASessionSlurmKeepsRunning_GoesBackToTheSlowCycle()
    {
        var end = Now + TimeSpan.FromSeconds(20);
        var id = await ReadyAsync(end);
        _rig.Time.Advance(TimeSpan.FromMinutes(5));
        _rig.Cluster.Snapshot = Running(end) with { TimeLeft = TimeSpan.Zero };

        await _rig.PollAsync(id);

        Assert.Equal(_rig.Settings.RunningPollInterval, LastDelay(id));
    }

    [Fact]
    public async Task AJobPurgedAtItsEnd_CountsAsReachingItsWalltime_AndIsCountedToItsEndTime()
    {
        var end = Now + TimeSpan.FromSeconds(20);
        var id = await ReadyAsync(end);
        _rig.Time.Advance(TimeSpan.FromMinutes(3));
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Gone, "GONE", null, null, null, null);

        await _rig.PollAsync(id);

        var session = _rig.Store.Get(id);
        Assert.Equal((EndReason.WalltimeReached, end), (session.EndReason!.Value, session.EndedAt!.Value));
        Assert.Equal(TimeSpan.FromHours(2), session.RanFor);
    }

    [Fact]
    public async Task AJobThatIsCompleting_IsLookedAtEveryFewSeconds()
    {
        var id = await ReadyAsync(Now + TimeSpan.FromMinutes(90));
        _rig.Cluster.Snapshot = Running(Now + TimeSpan.FromMinutes(90)) with { Phase = JobPhase.Ending, RawState = "COMPLETING", Jupyter = null };

        await _rig.PollAsync(id);

        Assert.Equal(_rig.Settings.EndPollInterval, LastDelay(id));
    }

    [Fact]
    public async Task AFollowOnFoundRunning_WaitsForItsPredecessorsEndedNotice_SoThePersonReadsOneStory()
    {
        var end = Now + TimeSpan.FromMinutes(90);
        var first = await ReadyAsync(end, "start -A cnms -t 2:00:00 --keep-alive");
        var followOn = _rig.Work.Steps.Last(s => s.Step == "submit").Session!.Value;
        await _rig.Workflow.SubmitAsync(followOn, CancellationToken.None);
        var firstJob = _rig.Store.Get(first).JobId!.Value;
        var secondJob = _rig.Store.Get(followOn).JobId!.Value;

        // The first job ended (shut down from JupyterLab) and Slurm started the follow-on; the follow-on is looked at first.
        _rig.Cluster.ByJob[firstJob] = new JobSnapshot(JobPhase.Completed, "COMPLETED", "node001", null, null, null);
        _rig.Cluster.ByJob[secondJob] = new JobSnapshot(JobPhase.Running, "RUNNING", "node002", TimeSpan.FromHours(2), null,
            new JupyterEndpoint("node002", 24567, "0123456789abcdef0123"));
        await _rig.PollAsync(followOn);

        Assert.Equal(SessionState.Ready, _rig.Store.Get(first).State);
        Assert.Equal(SessionState.Queued, _rig.Store.Get(followOn).State);
        Assert.Contains(_rig.Work.Steps, s => s is { Step: "poll", Delay.Ticks: 0 } && s.Session == first);

        await _rig.PollAsync(first);
        await _rig.PollAsync(followOn);

        var story = _rig.Store.Queued.OfType<SessionUpdate>()
            .Select(u => (u.Session.JobId, u.Session.State))
            .Where(t => t.State is SessionState.Ended or SessionState.Ready)
            .Skip(1) // the first session's own ready message
            .ToList();
        Assert.Equal([(firstJob, SessionState.Ended), (secondJob, SessionState.Ready)], story);
    }

    [Fact]
    public async Task AFollowOn_GoesOnAlone_WhenItsPredecessorCannotBeToldForLong()
    {
        var first = await ReadyAsync(Now + TimeSpan.FromMinutes(90), "start -A cnms -t 2:00:00 --keep-alive");
        var followOn = _rig.Work.Steps.Last(s => s.Step == "submit").Session!.Value;
        await _rig.Workflow.SubmitAsync(followOn, CancellationToken.None);
        var secondJob = _rig.Store.Get(followOn).JobId!.Value;
        _rig.Cluster.ByJob[secondJob] = new JobSnapshot(JobPhase.Running, "RUNNING", "node002", TimeSpan.FromHours(2), null,
            new JupyterEndpoint("node002", 24567, "0123456789abcdef0123"));

        await _rig.PollAsync(followOn);
        _rig.Time.Advance(TimeSpan.FromMinutes(2));
        await _rig.PollAsync(followOn);

        Assert.Equal(SessionState.Ready, _rig.Store.Get(followOn).State);
        Assert.Equal(SessionState.Ready, _rig.Store.Get(first).State);
    }
}

/// <summary>A follow-on keeps the local port, the node port and JupyterLab's token, and its ready message says what changed.</summary>
public class RenewalBookmarkTests
{
    private readonly CoreRig _rig = new();

    private async Task<(SessionId First, SessionId FollowOn, SlurmJobId FirstJob, SlurmJobId SecondJob)> FollowOnAsync()
    {
        var first = await _rig.StartLinkedAsync(Alice, "start -A cnms -t 2:00:00 --keep-alive");
        await _rig.Workflow.SubmitAsync(first, CancellationToken.None);
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Running, "RUNNING", "node001", TimeSpan.FromMinutes(100), null,
            new JupyterEndpoint("node001", 23456, "0123456789abcdef0123"));
        await _rig.PollAsync(first);
        var followOn = _rig.Work.Steps.Last(s => s.Step == "submit").Session!.Value;
        await _rig.Workflow.SubmitAsync(followOn, CancellationToken.None);
        var firstJob = _rig.Store.Get(first).JobId!.Value;
        _rig.Cluster.ByJob[firstJob] = new JobSnapshot(JobPhase.Completed, "COMPLETED", "node001", null, null, null);
        await _rig.PollAsync(first);
        return (first, followOn, firstJob, _rig.Store.Get(followOn).JobId!.Value);
    }

    private async Task<string> ReadyOnAsync(SessionId followOn, SlurmJobId job, string node, int port, bool kept)
    {
        _rig.Cluster.ByJob[job] = new JobSnapshot(JobPhase.Running, "RUNNING", node, TimeSpan.FromHours(2), null,
            new JupyterEndpoint(node, port, "0123456789abcdef0123") { TokenKept = kept });
        await _rig.PollAsync(followOn);
        return NoticeText.Render(_rig.Store.Queued.OfType<SessionUpdate>().Last(u => u.Session.Id == followOn));
    }

    [Fact]
    public async Task TheFollowOn_AsksTheGateToKeepTheToken_OnTheSameNodePort()
    {
        var (first, _, _, _) = await FollowOnAsync();

        var request = _rig.Cluster.Submitted[1];
        Assert.Equal((first, 23456), (request.KeepTokenOf!.Value, request.NodePort));
    }

    [Fact]
    public async Task OnAnotherNode_TheReadyMessageSaysOnlyTheNodeChanged_AndTheOpenTabReconnects()
    {
        var (_, followOn, firstJob, secondJob) = await FollowOnAsync();

        var ready = await ReadyOnAsync(followOn, secondJob, "node002", 23456, kept: true);

        Assert.Contains($"JupyterLab is ready again on node002 (follow-on job {secondJob}, continuing job {firstJob}", ready, StringComparison.Ordinal);
        Assert.Contains("What changed: the node (node001 → node002). Stop your old tunnel (Ctrl+C) and run the new command below. The URL and its token are the same, so your open browser tab reconnects once the tunnel is up.", ready, StringComparison.Ordinal);
        Assert.Equal(5959, _rig.Store.Get(followOn).LocalPort);
    }

    [Fact]
    public async Task OnTheSameNodeAndPort_TheReadyMessageSaysNothingChanged()
    {
        var (_, followOn, _, secondJob) = await FollowOnAsync();

        var ready = await ReadyOnAsync(followOn, secondJob, "node001", 23456, kept: true);

        Assert.Contains("Nothing changed (same node, port and token): your tunnel and open browser tab carry on", ready, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenTheTokenCouldNotBeKept_TheReadyMessageSaysToOpenTheNewUrl()
    {
        var (_, followOn, _, secondJob) = await FollowOnAsync();

        var ready = await ReadyOnAsync(followOn, secondJob, "node001", 24567, kept: false);

        Assert.Contains("What changed: the port on the node (23456 → 24567) and the token.", ready, StringComparison.Ordinal);
        Assert.Contains("Open the new URL below", ready, StringComparison.Ordinal);
    }
}
