using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tests.Fakes;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

/// <summary>
/// One person's backlog of sessions whose key the login node refuses (a restart with hundreds unfinished, say) costs
/// the login node, and the job queue's workers, one refused login, not one per session, so everyone else's steps are
/// not held up behind it; and it does not stop that person from starting again once their key is fixed.
/// </summary>
public class RefusedLoginBacklogTests
{
    private const int Backlog = 300;
    private readonly CoreRig _rig = new();

    private async Task<List<SessionId>> BacklogOfBobAsync()
    {
        await _rig.Keys.IssueAsync(Bob, new ClusterUser("bob"), CancellationToken.None);
        var sessions = new List<SessionId>();
        for (var i = 0; i < Backlog; i++)
        {
            await _rig.SayAsync(Bob, "start -t 1:00:00");
            sessions.Add(_rig.Work.Steps.Last(s => s.Step == "submit").Session!.Value);
        }

        _rig.Time.Advance(TimeSpan.FromSeconds(1));
        _rig.Cluster.Refusing.Add("bob");
        return sessions;
    }

    [Fact]
    public async Task ABacklogOfOnePersonsRefusedSessions_CostsOneLogin_AndEndsEachWithTheRefusal_WhileANewPersonsStartIsSubmitted()
    {
        var backlog = await BacklogOfBobAsync();
        var alice = await _rig.StartLinkedAsync(Alice);

        foreach (var id in backlog) await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        await _rig.Workflow.SubmitAsync(alice, CancellationToken.None);

        Assert.Equal(1, _rig.Cluster.Logins["bob"]);
        Assert.All(backlog, id => Assert.Equal((SessionState.Ended, (EndReason?)EndReason.NotAuthorized), (_rig.Store.Get(id).State, _rig.Store.Get(id).EndReason)));
        Assert.All(backlog, id => Assert.Contains("refused my key for bob", _rig.Store.Get(id).EndDetail, StringComparison.Ordinal));
        Assert.Equal(SessionState.Queued, _rig.Store.Get(alice).State);
    }

    [Fact]
    public async Task ABacklogOfRefusedSessions_TellsThePersonOnce_AndEndsTheOthersQuietly()
    {
        var backlog = await BacklogOfBobAsync();

        foreach (var id in backlog) await _rig.Workflow.SubmitAsync(id, CancellationToken.None);

        var ended = _rig.Store.Queued.OfType<SessionUpdate>().Where(u => u.Session.State == SessionState.Ended).ToList();
        Assert.Equal(Backlog, ended.Count);
        var told = Assert.Single(ended, u => !u.Quiet);
        Assert.Equal(backlog[0], told.Session.Id);
        var text = NoticeText.Render(told);
        Assert.Contains("the bot could not log in with your key", text, StringComparison.Ordinal);
        Assert.Contains("Any other session of yours waiting to log in to condo ends the same way, without a message of its own (`status` lists them).", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusalMetAgainAfterItWasForgotten_IsToldAgain()
    {
        var backlog = await BacklogOfBobAsync();
        await _rig.Workflow.SubmitAsync(backlog[0], CancellationToken.None);
        await _rig.Workflow.SubmitAsync(backlog[1], CancellationToken.None);
        _rig.Time.Advance(RefusedLogins.Memory);

        await _rig.Workflow.SubmitAsync(backlog[2], CancellationToken.None);

        var ended = _rig.Store.Queued.OfType<SessionUpdate>().Where(u => u.Session.State == SessionState.Ended).ToList();
        Assert.Equal([false, true, false], ended.Select(u => u.Quiet));
    }

    [Fact]
    public async Task ASessionStartedAfterTheRefusal_LogsInAgain_AndIsSubmittedOnceTheKeyIsFixed()
    {
        var backlog = await BacklogOfBobAsync();
        await _rig.Workflow.SubmitAsync(backlog[0], CancellationToken.None);
        _rig.Cluster.Refusing.Clear();
        _rig.Time.Advance(TimeSpan.FromSeconds(1));

        await _rig.SayAsync(Bob, "start -t 1:00:00");
        var fresh = _rig.Work.Steps.Last(s => s.Step == "submit").Session!.Value;
        await _rig.Workflow.SubmitAsync(fresh, CancellationToken.None);
        await _rig.Workflow.SubmitAsync(backlog[1], CancellationToken.None);

        Assert.Equal(SessionState.Queued, _rig.Store.Get(fresh).State);
        Assert.Equal(SessionState.Queued, _rig.Store.Get(backlog[1]).State);
        Assert.Equal(3, _rig.Cluster.Logins["bob"]);
    }

    [Fact]
    public async Task ARefusalIsForgottenAfterAWhile_SoAnOlderSessionLogsInAgain()
    {
        var backlog = await BacklogOfBobAsync();
        await _rig.Workflow.SubmitAsync(backlog[0], CancellationToken.None);
        _rig.Time.Advance(RefusedLogins.Memory);

        await _rig.Workflow.SubmitAsync(backlog[1], CancellationToken.None);

        Assert.Equal(2, _rig.Cluster.Logins["bob"]);
    }
}
