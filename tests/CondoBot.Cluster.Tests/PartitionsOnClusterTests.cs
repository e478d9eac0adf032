using CondoBot.Testing;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// The start form's partition list on both real local clusters (Slurm 24.11 and 22.05), read through the gate as the
/// person: both partitions, the default marked, each with its one node and its time limit.
/// </summary>
public sealed class PartitionsOnClusterTests
{
    [Theory]
    [InlineData("local")]
    [InlineData("legacy")]
    public async Task TheGatesPartitions_AreSinfosAvailablePartitions_WithNodesLimitsAndTheDefault(string name)
    {
        var cluster = LocalCluster.Get(name);
        using var login = await GatedLogin.AuthorizeAsync("condouser2", "partitions", cluster.Profile());

        var read = await login.Slurm.PartitionsAsync(login.Actor, CancellationToken.None);

        Assert.True(read.Succeeded, read.Problem?.Message);
        Assert.Equal(
            [("debug", 1, TimeSpan.FromHours(12), true), ("short", 1, TimeSpan.FromMinutes(10), false)],
            read.Value.Select(p => (p.Name, p.Nodes, p.MaxTime!.Value, p.IsDefault)));
        // The node is shared with every other test on the machine: it may be running someone's job just now.
        Assert.All(read.Value, p => Assert.InRange(p.IdleNodes, 0, 1));
    }
}
