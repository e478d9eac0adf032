using CondoBot.Core.Clusters;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tests.Fakes;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

/// <summary>
/// After a restart, the submissions left over from before it log in one person at a time, a few seconds apart, unless
/// their person's key is known to work; one that cannot have its turn is put back on the backlog lane rather than holding a
/// fresh step's worker; and a session started after the restart is never held back.
/// </summary>
public class BacklogLoginsTests
{
    private readonly CoreRig _rig = new();
    private readonly RefusedLogins _refusals;

    public BacklogLoginsTests() => _refusals = new RefusedLogins(_rig.Time);

    private async Task<SessionId> StartAsync(ChatUserId user)
    {
        await _rig.SayAsync(user, "start -t 1:00:00");
        return _rig.Work.Steps.Last(s => s.Step == "submit").Session!.Value;
    }

    private BacklogLogins Restarted()
    {
        _rig.Time.Advance(TimeSpan.FromSeconds(1));
        return new BacklogLogins(_rig.Store, _rig.Work, _refusals, _rig.Time, _rig.Time.GetUtcNow());
    }

    [Fact]
    public async Task LeftOverSubmissionsOfPeopleNotYetAccepted_LogInOnePersonAtATime_AndTheOthersArePutBackForLater()
    {
        await _rig.Keys.IssueAsync(Alice, new ClusterUser("alice"), CancellationToken.None);
        await _rig.Keys.IssueAsync(Bob, new ClusterUser("bob"), CancellationToken.None);
        var alices = await StartAsync(Alice);
        var alicesSecond = await StartAsync(Alice);
        var bobs = await StartAsync(Bob);
        var backlog = Restarted();
        _rig.Work.Steps.Clear();

        Assert.True(await backlog.TakeTurnAsync(alices, mayWait: false, CancellationToken.None));
        Assert.False(await backlog.TakeTurnAsync(bobs, mayWait: false, CancellationToken.None));

        var putBack = Assert.Single(_rig.Work.Steps);
        Assert.Equal(("submit", (SessionId?)bobs), (putBack.Step, putBack.Session));
        Assert.InRange(putBack.Delay, BacklogLogins.Interval, 2 * BacklogLogins.Interval);
        Assert.Equal(_rig.Time.GetUtcNow() + putBack.Delay, _rig.Store.Get(bobs).NextStepAt);

        _rig.Time.Advance(BacklogLogins.Interval);
        Assert.True(await backlog.TakeTurnAsync(bobs, mayWait: false, CancellationToken.None));
        // One login per person is paced: once the first had time to answer, Alice's others go on, Bob's turn or not.
        Assert.True(await backlog.TakeTurnAsync(alicesSecond, mayWait: false, CancellationToken.None));
    }

    [Fact]
    public async Task ASessionStartedAfterTheRestart_OrOfAPersonWhoseKeyWasAcceptedOrRefused_IsNotHeldBack()
    {
        await _rig.Keys.IssueAsync(Alice, new ClusterUser("alice"), CancellationToken.None);
        await _rig.Keys.IssueAsync(Bob, new ClusterUser("bob"), CancellationToken.None);
        var alices = await StartAsync(Alice);
        var alicesSecond = await StartAsync(Alice);
        var bobs = await StartAsync(Bob);
        var backlog = Restarted();
        Assert.True(await backlog.TakeTurnAsync(alices, mayWait: false, CancellationToken.None));

        var fresh = await StartAsync(Bob);
        Assert.True(await backlog.TakeTurnAsync(fresh, mayWait: false, CancellationToken.None));

        _refusals.Refused(_rig.Store.Get(bobs).Actor, new Problem(ProblemKind.NotAuthorized, "refused"));
        Assert.True(await backlog.TakeTurnAsync(bobs, mayWait: false, CancellationToken.None));

        Assert.False(await backlog.TakeTurnAsync(alicesSecond, mayWait: false, CancellationToken.None));
        _refusals.Accepted(_rig.Store.Get(alices).Actor);
        Assert.True(await backlog.TakeTurnAsync(alicesSecond, mayWait: false, CancellationToken.None));
    }
}
