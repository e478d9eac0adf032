using CondoBot.Core.Sessions;
using CondoBot.Core.Tests.Fakes;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

/// <summary><c>start --env NAME</c> and <c>envs</c>: a cluster's named environments, chosen by name only.</summary>
public class EnvironmentTests
{
    private readonly CoreRig _rig = new();

    [Fact]
    public async Task StartWithEnv_SubmitsTheEnvironmentsName_AndSaysWhichOneInTheReply()
    {
        await _rig.Keys.IssueAsync(Alice, new ClusterUser("alice"), CancellationToken.None);

        var reply = await _rig.SayAsync(Alice, "start --env PyTorch");
        var id = _rig.Work.Last.Session!.Value;
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);

        Assert.Contains("environment pytorch", reply, StringComparison.Ordinal);
        Assert.Equal("pytorch", _rig.Cluster.Submitted.Single().Environment);
    }

    [Fact]
    public async Task AnUnknownEnvironment_IsRefusedWithTheList_AndNothingIsRecorded()
    {
        await _rig.Keys.IssueAsync(Alice, new ClusterUser("alice"), CancellationToken.None);

        var reply = await _rig.SayAsync(Alice, "start --env tensorflow");

        Assert.Equal("condo has no environment `tensorflow`. Environments: pytorch, rapids (`envs` describes them).", reply);
        Assert.Empty(_rig.Work.Steps);
        Assert.Empty(await _rig.Store.ListActiveAsync(CancellationToken.None));
    }

    [Fact]
    public async Task WithoutEnv_TheClustersDefaultEnvironmentIsUsed_AndAFollowOnKeepsIt()
    {
        _rig.Clusters.Get("condo").DefaultEnvironment = "rapids";
        var id = await _rig.StartLinkedAsync(Alice, "start -t 1:00:00 --keep-alive");
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        await _rig.PollAsync(id);
        var followOn = _rig.Work.Steps.Last(s => s.Step == "submit" && s.Session != id).Session!.Value;
        await _rig.Workflow.SubmitAsync(followOn, CancellationToken.None);

        Assert.Equal(["rapids", "rapids"], _rig.Cluster.Submitted.Select(r => r.Environment));
    }

    [Fact]
    public async Task WithoutEnvironmentsOrADefault_TheJobNamesNone()
    {
        var id = await _rig.StartLinkedAsync(Alice, "start");
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);

        Assert.Equal("", _rig.Cluster.Submitted.Single().Environment);
    }

    [Fact]
    public async Task Envs_ListsTheClustersEnvironments_WithTheirDescriptionsAndTheDefault()
    {
        _rig.Clusters.Get("condo").DefaultEnvironment = "pytorch";

        var reply = await _rig.SayAsync(Alice, "envs");

        Assert.Equal("Environments on condo (`start --env NAME`):\n• pytorch (the default): PyTorch 2.5 with CUDA 12\n• rapids", reply);
    }

    [Fact]
    public async Task Envs_ForAClusterThatDoesNotExist_IsRefusedWithTheClusters() =>
        Assert.Equal("There is no cluster named `nope`. Clusters: condo.", await _rig.SayAsync(Alice, "envs --cluster nope"));

    [Fact]
    public async Task Help_MentionsEnvsAndTheEnvFlag()
    {
        var help = await _rig.SayAsync(Alice, "help");

        Assert.Contains("envs [--cluster NAME]", help, StringComparison.Ordinal);
        Assert.Contains("--env NAME", help, StringComparison.Ordinal);
    }
}
