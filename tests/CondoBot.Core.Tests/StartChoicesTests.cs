using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tests.Fakes;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

/// <summary>
/// What a start form is prefilled with (the last choices on a cluster, from the person's own sessions, with the
/// cluster's defaults as null) and the partitions it offers, or why it offers none.
/// </summary>
public class StartChoicesTests
{
    private readonly CoreRig _rig = new();

    private LastChoices Choices => new(_rig.Store, _rig.Clusters, _rig.Time);

    [Fact]
    public async Task WithoutSessions_TheFormTakesTheDefaultClustersDefaults()
    {
        var c = await Choices.ForAsync(Alice, null, CancellationToken.None);

        Assert.Equal(("condo", 0, null, null, Walltime.Default, 1, 0, null, null),
            (c.Cluster.Name, c.RecentAccounts.Count, c.Account, c.Partition, c.Walltime, c.Nodes, c.Gpus, c.Environment, c.Idle));
    }

    [Fact]
    public async Task TheLastSession_GivesItsChoices_AndOffNeverAskedIsKeptApartFromTheClustersDefault()
    {
        _rig.Clusters.Get("condo").IdleAfter = TimeSpan.FromHours(1);
        await _rig.StartLinkedAsync(Alice, "start -A older -t 30");
        _rig.Time.Advance(TimeSpan.FromMinutes(1));
        await _rig.SayAsync(Alice, "start -A cnms --partition short -t 2:00:00 -n 2 --gpus 1 --env pytorch --idle off");

        var c = await Choices.ForAsync(Alice, "CONDO", CancellationToken.None);

        Assert.Equal(("cnms", "short", Walltime.Parse("2:00:00"), 2, 1, "pytorch", TimeSpan.Zero),
            (c.Account, c.Partition, (Walltime?)c.Walltime, c.Nodes, c.Gpus, c.Environment, c.Idle));
        Assert.Equal(["cnms", "older"], c.RecentAccounts);
    }

    [Fact]
    public async Task TheClustersOwnDefaults_AreRememberedAsDefaults_NotAsChoices()
    {
        var cluster = _rig.Clusters.Get("condo");
        cluster.IdleAfter = TimeSpan.FromHours(1);
        cluster.DefaultEnvironment = "rapids";
        await _rig.StartLinkedAsync(Alice, "start --idle 2h");
        _rig.Time.Advance(TimeSpan.FromMinutes(1));
        await _rig.SayAsync(Alice, "start");

        var c = await Choices.ForAsync(Alice, null, CancellationToken.None);

        Assert.Equal((null, null, "birthright"), (c.Environment, c.Idle, c.Account));
    }

    [Fact]
    public async Task PartitionsAreReadAsThePersonsLogin_OrTheFormSaysWhyThereAreNone()
    {
        _rig.Cluster.Partitions.Add(new ClusterPartition("batch", 3, 8, TimeSpan.FromDays(2), true));
        var choices = new PartitionChoices(_rig.Keys, _rig.Cluster);

        var unlinked = await choices.ListAsync(Alice, "condo", CancellationToken.None);
        await _rig.Keys.IssueAsync(Alice, new ClusterUser("alice"), CancellationToken.None);
        var listed = await choices.ListAsync(Alice, "condo", CancellationToken.None);
        _rig.Cluster.Refusing.Add("alice");
        var refused = await choices.ListAsync(Alice, "condo", CancellationToken.None);

        Assert.Equal(([], "The partitions of condo are read as your cluster login, and you have not linked one yet (`key LOGIN`): type a partition, or leave it empty for the cluster's default."),
            (unlinked.Partitions, unlinked.Unavailable));
        Assert.Equal(("batch — 3 of 8 nodes idle, up to 2 d", null), (Assert.Single(listed.Partitions).Describe(), listed.Unavailable));
        Assert.Equal("condo could not be asked for its partitions (login.example.org refused my key for alice.): type a partition, or leave it empty for the cluster's default.", refused.Unavailable);
    }
}
