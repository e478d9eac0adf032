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

/// <summary>The idle times a start form offers besides the cluster's default and off, and how <c>--idle</c> spells one.</summary>
public static class IdleChoices
{
    public static readonly IReadOnlyList<TimeSpan> Times = [TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4), TimeSpan.FromHours(8)];

    /// <summary>The offered times, with the person's own last one among them when it is none of those.</summary>
    public static IReadOnlyList<TimeSpan> With(TimeSpan? chosen) =>
        chosen is { } t && t > TimeSpan.Zero && !Times.Contains(t) ? [.. Times.Append(t).Order()] : Times;

    /// <summary>A duration as <c>--idle</c> takes it: <c>2h</c>, <c>45m</c>, <c>90s</c>.</summary>
    public static string Flag(TimeSpan t) =>
        t.Ticks % TimeSpan.TicksPerHour == 0 ? ((long)t.TotalHours).ToString(System.Globalization.CultureInfo.InvariantCulture) + "h"
        : t.Ticks % TimeSpan.TicksPerMinute == 0 ? ((long)t.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture) + "m"
        : ((long)t.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + "s";
}
