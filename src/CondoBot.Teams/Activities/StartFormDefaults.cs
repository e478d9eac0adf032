using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Sessions;

namespace CondoBot.Teams.Activities;

/// <summary>What the start form shows before anyone types: the person's last choices, or else the default cluster's defaults.</summary>
public sealed class StartFormDefaults(ISessionStore sessions, ClusterCatalog clusters)
{
    public async Task<IReadOnlyDictionary<string, string>> ForAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        var last = (await sessions.ListAsync(user, DateTimeOffset.MinValue, cancellationToken)).MaxBy(s => s.CreatedAt);
        if (last is not null && clusters.Find(last.Cluster) is { } cluster)
        {
            return Values(cluster.Name, last.Account, last.Partition, last.Walltime, last.Nodes, last.Gpus);
        }

        var fallback = clusters.Default;
        return Values(fallback.Name, fallback.DefaultAccount, fallback.DefaultPartition, Walltime.Default.Duration, StartOptions.DefaultNodes, 0);
    }

    private static Dictionary<string, string> Values(string cluster, string account, string partition, TimeSpan walltime, int nodes, int gpus) => new(StringComparer.Ordinal)
    {
        ["cluster"] = cluster,
        ["account"] = account,
        ["partition"] = partition,
        ["walltime"] = Walltime.FromTimeSpan(walltime).ToSlurm(),
        ["nodes"] = nodes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["gpus"] = gpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [StartForm.KeepAliveId] = "false",
    };
}
