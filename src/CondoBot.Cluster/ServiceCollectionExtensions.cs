using CondoBot.Cluster.Gate;
using CondoBot.Cluster.Keys;
using CondoBot.Cluster.Slurm;
using CondoBot.Cluster.Ssh;
using CondoBot.Core.Clusters;
using CondoBot.Core.Identity;
using CondoBot.Core.Notices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CondoBot.Cluster;

public static class ServiceCollectionExtensions
{
    /// <summary>Slurm over SSH, and the delegated keys it logs in with. Data Protection must be configured by the host.</summary>
    public static IServiceCollection AddSlurmOverSsh(this IServiceCollection services)
    {
        services.AddSingleton<KeyVault>();
        services.AddSingleton<IKeyVault>(sp => sp.GetRequiredService<KeyVault>());
        services.AddSingleton<IKeyInstallation, GateInstallation>();
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        services.AddOptions<LoginNodeOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SshConnectionPool>();
        services.AddSingleton<SshRunner>();
        services.AddSingleton<JobBoards>();
        services.AddSingleton<ICluster, SlurmCluster>();
        services.AddSingleton<JobEndWatch>();
        return services;
    }
}
