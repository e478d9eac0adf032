using CondoBot.Core.Identity;

namespace CondoBot.Core.Clusters;

/// <summary>
/// The partitions a person could start in right now (from <c>sinfo</c>, as them), for a start form's pick list. When
/// they cannot be read (no linked login, the cluster unreachable) the form falls back to a typed partition and says
/// why; the form works without the list.
/// </summary>
public sealed class PartitionChoices(IKeyVault keys, ICluster cluster)
{
    /// <summary>Longest part of a cluster's own message quoted in the reason.</summary>
    private const int MostQuoted = 300;

    public async Task<PartitionList> ListAsync(ChatUserId user, string clusterName, CancellationToken cancellationToken)
    {
        var link = await keys.FindAsync(user, cancellationToken);
        if (link is null)
        {
            return PartitionList.Without(
                $"The partitions of {clusterName} are read as your cluster login, and you have not linked one yet (`key LOGIN`): type a partition, or leave it empty for the cluster's default.");
        }

        var read = await cluster.PartitionsAsync(new Actor(user, link.Login, clusterName), cancellationToken);
        if (!read.Succeeded)
        {
            var why = read.Problem.Message.Length <= MostQuoted ? read.Problem.Message : read.Problem.Message[..MostQuoted] + "…";
            return PartitionList.Without($"{clusterName} could not be asked for its partitions ({why}): type a partition, or leave it empty for the cluster's default.");
        }

        return read.Value.Count == 0
            ? PartitionList.Without($"{clusterName} shows no available partition to you: type one, or leave it empty for the cluster's default.")
            : new PartitionList(read.Value, null);
    }
}

/// <summary>The partitions to pick from, or (with none) why there are none to show.</summary>
public sealed record PartitionList(IReadOnlyList<ClusterPartition> Partitions, string? Unavailable)
{
    public static PartitionList Without(string reason) => new([], reason);
}
