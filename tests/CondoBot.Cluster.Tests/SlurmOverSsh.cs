using CondoBot.Cluster.Gate;
using CondoBot.Cluster.Keys;
using CondoBot.Cluster.Slurm;
using CondoBot.Cluster.Ssh;
using CondoBot.Core.Clusters;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CondoBot.Cluster.Tests;

/// <summary>The cluster boundary as the service wires it (pool, boards, runner), for one catalog; disposing closes its connections.</summary>
internal sealed class SlurmOverSsh : IDisposable
{
    public SlurmOverSsh(ClusterProfile profile, KeyVault vault, LoginNodeOptions? options = null)
    {
        var catalog = new ClusterCatalog([profile]);
        var settings = Options.Create(options ?? new LoginNodeOptions());
        Pool = new SshConnectionPool(settings, vault, TimeProvider.System);
        Boards = new JobBoards(settings, vault, TimeProvider.System);
        Ssh = new SshRunner(catalog, vault, Pool, NullLogger<SshRunner>.Instance);
        Slurm = new SlurmCluster(Ssh, catalog, Boards, vault, new GateInstallation(catalog));
    }

    public SshConnectionPool Pool { get; }

    public JobBoards Boards { get; }

    public SshRunner Ssh { get; }

    public SlurmCluster Slurm { get; }

    public void Dispose()
    {
        Boards.Dispose();
        Pool.Dispose();
    }
}
