using CondoBot.Core.Identity;

namespace CondoBot.Core.Clusters;

/// <summary>
/// The partitions a person could start in right now (from <c>sinfo</c>, as them), for a start form to show. A hint
/// only: any failure (no linked login, the cluster unreachable) is an empty list, and the form works without it.
/// </summary>
public sealed class PartitionChoices(IKeyVault keys, ICluster cluster)
{
    public async Task<IReadOnlyList<IdlePartition>> IdleAsync(ChatUserId user, string clusterName, CancellationToken cancellationToken)
    {
        var link = await keys.FindAsync(user, cancellationToken);
        if (link is null) return [];
        var idle = await cluster.IdlePartitionsAsync(new Actor(user, link.Login, clusterName), cancellationToken);
        return idle.Succeeded ? idle.Value : [];
    }
}
