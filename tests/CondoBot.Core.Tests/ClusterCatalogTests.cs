using CondoBot.Core.Clusters;

namespace CondoBot.Core.Tests;

public sealed class ClusterCatalogTests
{
    private static ClusterProfile Cluster(string name) => new() { Name = name, LoginHost = name + ".example.org" };

    [Fact]
    public void WithOneCluster_ThatOneIsTheDefault()
    {
        Assert.Equal("condo", new ClusterCatalog([Cluster("condo")]).Default.Name);
    }

    [Fact]
    public void WithSeveralClusters_TheNamedOneIsTheDefault_NotTheAlphabeticallyFirst()
    {
        var catalog = new ClusterCatalog([Cluster("alpha"), Cluster("zeta")], "ZETA");

        Assert.Equal("zeta", catalog.Default.Name);
    }

    [Fact]
    public void WithSeveralClusters_AndNoDefaultNamed_TheCatalogRefuses()
    {
        Assert.Throws<ArgumentException>(() => new ClusterCatalog([Cluster("alpha"), Cluster("zeta")]));
    }

    [Fact]
    public void ADefaultThatIsNotConfigured_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new ClusterCatalog([Cluster("alpha")], "beta"));
    }
}
