using System.Globalization;

namespace CondoBot.Core.Clusters;

/// <summary>
/// A partition a person could start in, as <c>sinfo</c> shows it to them: its nodes, how many are idle right now, its
/// time limit (null: none), and whether it is the cluster's default.
/// </summary>
public sealed record ClusterPartition(string Name, int IdleNodes, int Nodes, TimeSpan? MaxTime, bool IsDefault)
{
    /// <summary>One line for a pick list: <c>debug — 3 of 8 nodes idle, up to 12 h</c>.</summary>
    public string Describe()
    {
        var nodes = string.Create(CultureInfo.InvariantCulture, $"{IdleNodes} of {Nodes} node{(Nodes == 1 ? "" : "s")} idle");
        var limit = MaxTime is { } max ? ", up to " + Durations.Describe(max) : ", no time limit";
        return $"{Name} — {nodes}{limit}";
    }
}
