using CondoBot.Core.Clusters;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tests.Fakes;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

public class SessionLifecycleTests
{
    private static readonly JobSnapshot Ready = new(JobPhase.Running, "RUNNING", "node001", TimeSpan.FromMinutes(119),
        null, new JupyterEndpoint("node001", 23456, "0123456789abcdef0123"));

    private readonly CoreRig _rig = new();

    [Fact]
    public async Task Start_RecordsTheSessionAndQueuesItsSubmission_WithoutTouchingTheCluster()
    {
        await _rig.Keys.IssueAsync(Alice, new ClusterUser("alice"), CancellationToken.None);

        var reply = await _rig.SayAsync(Alice, "start -A cnms -t 2:00:00");

        Assert.Contains("Submitting JupyterLab on condo as alice (account cnms, 1 node, 2 h)", reply, StringComparison.Ordinal);
        Assert.Equal("submit", _rig.Work.Last.Step);
        Assert.Empty(_rig.Cluster.Submitted);
        var session = _rig.Store.Get(_rig.Work.Last.Session!.Value);
        Assert.Equal(SessionState.Submitting, session.State);
        Assert.Equal("cnms", session.Account);
    }

    [Fact]
    public async Task Start_WithoutALinkedKey_ExplainsHowToLinkOne_AndStartsNothing()
    {
        var reply = await _rig.SayAsync(Alice, "start");

        Assert.Contains("`key UID`", reply, StringComparison.Ordinal);
        Assert.Empty(_rig.Work.Steps);
    }

    [Fact]
    public async Task Start_WithoutAnAccount_UsesTheClustersDefault()
    {
        var id = await _rig.StartLinkedAsync(Alice, "start");

        Assert.Equal("birthright", _rig.Store.Get(id).Account);
    }

    [Fact]
    public async Task Submit_RunTwice_SubmitsOneJob()
    {
        var id = await _rig.StartLinkedAsync(Alice);

        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);

        Assert.Single(_rig.Cluster.Submitted);
        Assert.Equal(SessionState.Queued, _rig.Store.Get(id).State);
    }

    [Fact]
    public async Task Submit_AfterACrashBetweenSbatchAndSaving_AdoptsTheJobInsteadOfSubmittingAgain()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        _rig.Cluster.Existing[id] = new SlurmJobId(777);

        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);

        Assert.Empty(_rig.Cluster.Submitted);
        Assert.Equal(new SlurmJobId(777), _rig.Store.Get(id).JobId);
    }

    [Fact]
    public async Task Submit_WhenSlurmRefuses_EndsTheSessionAndTellsTheUserSlurmsReason()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        _rig.Cluster.SubmitProblem = new Problem(ProblemKind.SlurmRejected,
            "Slurm refused the job: Invalid account or account/partition combination specified.");

        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);

        Assert.Equal(EndReason.RejectedBySlurm, _rig.Store.Get(id).EndReason);
        var text = NoticeText.Render(Assert.Single(_rig.Store.Queued));
        Assert.Contains("Invalid account or account/partition combination specified", text, StringComparison.Ordinal);
        Assert.DoesNotContain(_rig.Work.Steps, s => s.Step == "poll");
    }

    [Fact]
    public async Task Poll_WhenJupyterAnswers_SendsExactlyOneReadyMessage_WithTheTunnelCommands()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _rig.Cluster.Snapshot = Ready;

        await _rig.PollAsync(id);
        await _rig.PollAsync(id);
        await _rig.PollAsync(id);

        var ready = _rig.Store.Queued.OfType<SessionUpdate>().Where(u => u.Tunnel is not null).ToList();
        var tunnel = Assert.Single(ready).Tunnel!;
        Assert.Equal("ssh -N -L 5959:node001:23456 alice@login.example.org", tunnel.Inside);
        Assert.Equal("ssh -N -J alice@ext.example.org -L 5959:node001:23456 alice@login.example.org", tunnel.Outside);
        Assert.Equal("http://localhost:5959/lab?token=0123456789abcdef0123", tunnel.Url);
        Assert.Equal(SessionState.Ready, _rig.Store.Get(id).State);
    }

    [Fact]
    public async Task Poll_WithAStaleToken_DoesNothing()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        var stale = _rig.Work.Last.Token;
        await _rig.PollAsync(id);
        _rig.Cluster.Snapshot = Ready;

        await _rig.Workflow.PollAsync(id, stale, CancellationToken.None);

        Assert.Equal(SessionState.Queued, _rig.Store.Get(id).State);
    }

    [Theory]
    [InlineData("TIMEOUT", EndReason.WalltimeReached, "walltime reached")]
    [InlineData("NODE_FAIL", EndReason.NodeFailure, "node failure")]
    [InlineData("FAILED", EndReason.Failed, "the job failed")]
    [InlineData("COMPLETED", EndReason.Completed, "JupyterLab exited")]
    [InlineData("CANCELLED", EndReason.Cancelled, "cancelled on the cluster")]
    public async Task Poll_WhenTheJobEnds_TellsTheUserWhyAndHowLongItRan(string state, EndReason reason, string words)
    {
        var id = await _rig.StartLinkedAsync(Alice);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _rig.Cluster.Snapshot = Ready;
        await _rig.PollAsync(id);
        _rig.Time.Advance(TimeSpan.FromMinutes(90));
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhases.FromSlurm(state), state, "node001", null, null, null);

        await _rig.PollAsync(id);

        var session = _rig.Store.Get(id);
        Assert.Equal(reason, session.EndReason);
        var ended = NoticeText.Render(_rig.Store.Queued[^1]);
        Assert.Contains(words, ended, StringComparison.Ordinal);
        Assert.Contains("after 1 h 30 min", ended, StringComparison.Ordinal);
        Assert.DoesNotContain(_rig.Work.Steps, s => s.Step == "poll" && s.Token == session.PollToken);
    }

    [Fact]
    public async Task Poll_OfAStateSlurmHasButThisBotDoesNotKnow_KeepsWatching_ShowsItRaw_AndTellsTheUserOnce()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _rig.Cluster.Snapshot = Ready;
        await _rig.PollAsync(id);
        var before = _rig.Store.Queued.Count;
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhases.FromSlurm("HIBERNATING"), "HIBERNATING", "node001", TimeSpan.FromMinutes(80), null, null);

        await _rig.PollAsync(id);
        await _rig.PollAsync(id);

        var session = _rig.Store.Get(id);
        Assert.Equal(SessionState.Ready, session.State);
        Assert.Empty(_rig.Cluster.Cancelled);
        Assert.Contains(_rig.Work.Steps, s => s.Step == "poll" && s.Token == session.PollToken);
        var told = Assert.Single(_rig.Store.Queued.Skip(before));
        Assert.Contains("HIBERNATING, a state I do not know", NoticeText.Render(told), StringComparison.Ordinal);
        Assert.Contains("(Slurm says HIBERNATING)", await _rig.SayAsync(Alice, "status"), StringComparison.Ordinal);

        _rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Running, "RUNNING", "node001", TimeSpan.FromMinutes(79), null, null);
        await _rig.PollAsync(id);
        Assert.DoesNotContain("Slurm says", await _rig.SayAsync(Alice, "status"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_CancelsTheUsersJob_AndTheEndNoticeSaysStoppedByYou()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _rig.Cluster.Snapshot = Ready;
        await _rig.PollAsync(id);

        var reply = await _rig.SayAsync(Alice, "stop");
        await _rig.Workflow.CancelAsync(id, CancellationToken.None);
        _rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Cancelled, "CANCELLED", "node001", null, null, null);
        await _rig.PollAsync(id);

        Assert.Contains("Stopping job 1001", reply, StringComparison.Ordinal);
        Assert.Equal([new SlurmJobId(1001)], _rig.Cluster.Cancelled);
        Assert.Equal(EndReason.StoppedByUser, _rig.Store.Get(id).EndReason);
        Assert.Contains("stopped by you", NoticeText.Render(_rig.Store.Queued[^1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_NeverReachesAnotherUsersSession()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        await _rig.Keys.IssueAsync(Bob, new ClusterUser("bob"), CancellationToken.None);

        var byId = await _rig.SayAsync(Bob, "stop 1001");
        var withoutId = await _rig.SayAsync(Bob, "stop");
        var status = await _rig.SayAsync(Bob, "status");

        Assert.Contains("You have no session with job id 1001", byId, StringComparison.Ordinal);
        Assert.Contains("You have no active session", withoutId, StringComparison.Ordinal);
        Assert.Contains("You have no sessions", status, StringComparison.Ordinal);
        Assert.DoesNotContain(_rig.Work.Steps, s => s.Step == "cancel");
        Assert.Equal(SessionState.Queued, _rig.Store.Get(id).State);
    }

    [Fact]
    public async Task Stop_WithSeveralSessions_AsksWhichOne()
    {
        await _rig.StartLinkedAsync(Alice);
        await _rig.SayAsync(Alice, "start");

        var reply = await _rig.SayAsync(Alice, "stop");

        Assert.Contains("You have 2 active sessions", reply, StringComparison.Ordinal);
        Assert.Contains("`stop JOBID`", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_GivesTwoConcurrentSessionsOfOneUserDifferentLocalPorts()
    {
        var first = await _rig.StartLinkedAsync(Alice, "start");

        Assert.Equal(5959, _rig.Store.Get(first).LocalPort);
        Assert.Equal(5960, await PortOfNextStartAsync("start"));
    }

    [Fact]
    public async Task Start_AfterAGapInTheUsersPorts_TakesThePortAfterTheHighest_AndTheDefaultOnceItIsFree()
    {
        var first = await _rig.StartLinkedAsync(Alice, "start");
        await _rig.SayAsync(Alice, "start -p 6000");
        var afterTheGap = await PortOfNextStartAsync("start");
        var ended = _rig.Store.Get(first);
        ended.End(EndReason.Cancelled, null, _rig.Time.GetUtcNow());
        await _rig.Store.SaveAsync(ended, [], CancellationToken.None);

        Assert.Equal(6001, afterTheGap);
        Assert.Equal(5959, await PortOfNextStartAsync("start"));
    }

    /// <summary>Alice says <paramref name="text"/>; the local port of the session it records.</summary>
    private async Task<int> PortOfNextStartAsync(string text)
    {
        await _rig.SayAsync(Alice, text);
        return _rig.Store.Get(_rig.Work.Last.Session!.Value).LocalPort;
    }

    [Fact]
    public async Task Start_WhenTheUsersPortsReachTheHighest_IsRefusedWithWhatToDo_AndRecordsNothing()
    {
        await _rig.StartLinkedAsync(Alice, "start");
        await _rig.SayAsync(Alice, "start -p 65535");
        var submissions = _rig.Work.Steps.Count(s => s.Step == "submit");

        var reply = await _rig.SayAsync(Alice, "start");

        Assert.Contains("no free local port", reply, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("`-p PORT`", reply, StringComparison.Ordinal);
        Assert.Equal(submissions, _rig.Work.Steps.Count(s => s.Step == "submit"));
    }

    [Fact]
    public async Task Start_WithAPortTheUserAlreadyUses_IsRefused()
    {
        await _rig.StartLinkedAsync(Alice, "start -p 8888");

        var reply = await _rig.SayAsync(Alice, "start -p 8888");

        Assert.Contains("Port 8888 is already used by your session", reply, StringComparison.Ordinal);
        Assert.Single(_rig.Work.Steps, s => s.Step == "submit");
    }

    [Fact]
    public async Task Poll_WhenTheLoginNodeIsUnreachable_RetriesWithBackoff_AndGivesUpAfterTheLimit()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _rig.Cluster.PollProblem = new Problem(ProblemKind.ClusterUnavailable, "Could not reach the login node.");

        await _rig.PollAsync(id);
        var firstRetry = _rig.Work.Last;
        await _rig.PollAsync(id);
        var secondRetry = _rig.Work.Last;
        _rig.Time.Advance(TimeSpan.FromMinutes(31));
        await _rig.PollAsync(id);

        Assert.True(secondRetry.Delay > firstRetry.Delay);
        var session = _rig.Store.Get(id);
        Assert.Equal(EndReason.ClusterUnreachable, session.EndReason);
        Assert.Contains("Could not reach the login node", NoticeText.Render(_rig.Store.Queued[^1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOutageLongerThanTheThreshold_IsToldOnce_AndTheRecoveryToo()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _rig.Cluster.PollProblem = new Problem(ProblemKind.ClusterUnavailable, "Could not reach the login node.");

        for (var i = 0; i < 6; i++)
        {
            await _rig.PollAsync(id);
            _rig.Time.Advance(TimeSpan.FromSeconds(40));
        }

        _rig.Cluster.PollProblem = null;
        await _rig.PollAsync(id);

        var told = _rig.Store.Queued.OfType<TextNotice>().Select(n => n.Text).ToList();
        Assert.Equal(2, told.Count);
        Assert.Contains("I cannot reach the login node of condo since 12:00 UTC", told[0], StringComparison.Ordinal);
        Assert.Contains("I can reach condo again; job 1001 is pending", told[1], StringComparison.Ordinal);
        Assert.Equal(SessionState.Queued, _rig.Store.Get(id).State);
    }

    [Fact]
    public async Task Tunnel_ForAReadySession_QueuesAFreshCopyOfTheInstructions()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        _rig.Cluster.Snapshot = Ready;
        await _rig.PollAsync(id);

        var reply = await _rig.SayAsync(Alice, "tunnel");
        await _rig.Workflow.SendTunnelAsync(id, CancellationToken.None);

        Assert.Contains("Sending the connection instructions for job 1001", reply, StringComparison.Ordinal);
        var notice = Assert.IsType<TunnelNotice>(_rig.Store.Queued[^1]);
        Assert.Equal(Alice, notice.To);
        Assert.Contains("ssh -N -L 5959:node001:23456", NoticeText.Render(notice), StringComparison.Ordinal);
    }
}
