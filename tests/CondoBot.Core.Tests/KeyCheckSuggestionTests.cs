using CondoBot.Core.Identity;
using CondoBot.Core.Notices;
using CondoBot.Core.Tests.Fakes;

namespace CondoBot.Core.Tests;

/// <summary>A key check that failed suggests checking again (a front door may offer it as a button); one that worked does not.</summary>
public class KeyCheckSuggestionTests
{
    [Fact]
    public async Task AFailedKeyCheck_SuggestsKeyCheck_AndOneThatWorkedSuggestsNothing()
    {
        var rig = new CoreRig();
        await rig.Keys.IssueAsync(CoreRig.Alice, new ClusterUser("alice"), CancellationToken.None);
        var check = new KeyCheck(rig.Keys, rig.Cluster, rig.Clusters, rig.Store);

        rig.Cluster.LoginProblem = new Problem(ProblemKind.NotAuthorized, "denied");
        await check.RunAsync(CoreRig.Alice, CancellationToken.None);
        rig.Cluster.LoginProblem = null;
        await check.RunAsync(CoreRig.Alice, CancellationToken.None);

        var told = rig.Store.Queued.OfType<TextNotice>().ToList();
        Assert.Equal(2, told.Count);
        Assert.Contains("the key is not authorized there", told[0].Text, StringComparison.Ordinal);
        Assert.Equal("key check", told[0].Suggests);
        Assert.StartsWith("Your key works", told[1].Text, StringComparison.Ordinal);
        Assert.Null(told[1].Suggests);
    }
}
