using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;

namespace CondoBot.Core.Sessions;

/// <summary>
/// What a start form is prefilled with: the person's last choices on a cluster, read from their own sessions in the
/// session store (so they last across restarts and count typed starts as well as forms), or else the cluster's
/// defaults. Null values mean "the cluster's default", as in <see cref="StartOptions"/>.
/// </summary>
public sealed class LastChoices(ISessionStore sessions, ClusterCatalog clusters, TimeProvider time)
{
    /// <summary>How far back the form looks for the person's last choices and recent accounts.</summary>
    public static readonly TimeSpan RecentFor = TimeSpan.FromDays(90);

    /// <summary>The choices on <paramref name="clusterName"/>, or (null, or a cluster no longer configured) on the cluster the person used last.</summary>
    public async Task<StartChoices> ForAsync(ChatUserId user, string? clusterName, CancellationToken cancellationToken)
    {
        var mine = (await sessions.ListAsync(user, time.GetUtcNow() - RecentFor, cancellationToken))
            .Where(s => clusters.Find(s.Cluster) is not null)
            .OrderByDescending(s => s.CreatedAt)
            .ToList();
        var cluster = (clusterName is null ? null : clusters.Find(clusterName))
            ?? (mine.Count > 0 ? clusters.Get(mine[0].Cluster) : clusters.Default);
        var here = mine.Where(s => string.Equals(s.Cluster, cluster.Name, StringComparison.OrdinalIgnoreCase)).ToList();
        var last = here.FirstOrDefault();
        var accounts = here.Select(s => s.Account).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (last is null) return new StartChoices(cluster, accounts, null, null, Walltime.Default, StartOptions.DefaultNodes, 0, null, null);

        return new StartChoices(
            cluster,
            accounts,
            last.Account.Length > 0 ? last.Account : null,
            last.Partition.Length > 0 ? last.Partition : null,
            Walltime.FromTimeSpan(last.Walltime),
            last.Nodes,
            last.Gpus,
            EnvironmentOf(last, cluster),
            IdleOf(last, cluster));
    }

    /// <summary>The session's environment, unless it is the cluster's default or no longer configured.</summary>
    private static string? EnvironmentOf(Session session, ClusterProfile cluster) =>
        session.Environment.Length == 0
        || string.Equals(session.Environment, cluster.DefaultEnvironment, StringComparison.OrdinalIgnoreCase)
            ? null
            : cluster.EnvironmentFor(session.Environment);

    /// <summary>The session's idle setting as <c>--idle</c> took it: null when it was the cluster's, zero for <c>off</c>.</summary>
    private static TimeSpan? IdleOf(Session session, ClusterProfile cluster) =>
        session.IdleAfter == cluster.IdleAfter ? null : session.IdleAfter ?? TimeSpan.Zero;
}

/// <summary>A start form's prefilled values on one cluster; null means the cluster's default.</summary>
public sealed record StartChoices(
    ClusterProfile Cluster,
    IReadOnlyList<string> RecentAccounts,
    string? Account,
    string? Partition,
    Walltime Walltime,
    int Nodes,
    int Gpus,
    string? Environment,
    TimeSpan? Idle);
