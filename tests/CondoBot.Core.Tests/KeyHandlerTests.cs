using CondoBot.Core.Tests.Fakes;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

/// <summary><c>key UID</c> and <c>key revoke</c>: a key that goes away has the gate remove its own line first.</summary>
public sealed class KeyHandlerTests
{
    private readonly CoreRig _rig = new();

    [Fact]
    public async Task KeyRevoke_HasTheGateRemoveTheKeysLine_ThenForgetsIt_AndSaysNothingIsLeftToDo()
    {
        await _rig.SayAsync(Alice, "key alice");

        var reply = await _rig.SayAsync(Alice, "key revoke");

        Assert.Equal(new ClusterUser("alice"), Assert.Single(_rig.Cluster.KeysRemoved).Login);
        Assert.Null(await _rig.Keys.FindAsync(Alice, CancellationToken.None));
        Assert.Contains("The key was removed from ~/.ssh/authorized_keys on login.example.org: nothing is left for you to do there.", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("sed -i", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyRevoke_WhenTheLoginNodeCannotRemoveTheLine_StillForgetsTheKey_AndGivesTheLineThatRemovesIt()
    {
        await _rig.SayAsync(Alice, "key alice");
        _rig.Cluster.RemoveKey = new Problem(ProblemKind.ClusterUnavailable, "Could not reach the login node login.example.org (timed out).");

        var reply = await _rig.SayAsync(Alice, "key revoke");

        Assert.Null(await _rig.Keys.FindAsync(Alice, CancellationToken.None));
        Assert.Contains("I have forgotten your key", reply, StringComparison.Ordinal);
        Assert.Contains("could not remove itself from login.example.org (Could not reach the login node login.example.org (timed out))", reply, StringComparison.Ordinal);
        Assert.Contains("sed -i '\\| AAAAC3Nza0 |d' ~/.ssh/authorized_keys", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyAgain_RemovesTheEarlierKeysLine_BeforeIssuingTheNewOne()
    {
        await _rig.SayAsync(Alice, "key alice");

        var reply = await _rig.SayAsync(Alice, "key alice2");

        Assert.Equal(new ClusterUser("alice"), Assert.Single(_rig.Cluster.KeysRemoved).Login);
        Assert.Equal(new ClusterUser("alice2"), (await _rig.Keys.FindAsync(Alice, CancellationToken.None))!.Login);
        Assert.Contains("install-gate condo 'restrict,command=\"gate\" ssh-ed25519 AAAAC3Nza", reply, StringComparison.Ordinal);
        Assert.Contains("Your earlier key was removed from ~/.ssh/authorized_keys on login.example.org", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFirstKey_RemovesNothing_AndSaysWhatTheKeyCanDo()
    {
        var reply = await _rig.SayAsync(Alice, "key alice");

        Assert.Empty(_rig.Cluster.KeysRemoved);
        Assert.Contains("The key can only run the CondoBot gate", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("earlier key", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAKeyLifetime_TheReplySaysWhenTheKeyStopsWorking()
    {
        _rig.Clusters.Default.KeyLifetime = TimeSpan.FromDays(30);

        var reply = await _rig.SayAsync(Alice, "key alice");

        Assert.Contains("It stops working on 1970-01-31 00:00 UTC; `key alice` then gives you a new one.", reply, StringComparison.Ordinal);
    }
}
