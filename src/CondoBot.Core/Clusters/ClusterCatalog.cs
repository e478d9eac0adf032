namespace CondoBot.Core.Clusters;

/// <summary>
/// The configured clusters, by name, and the one <c>start</c> uses without <c>--cluster</c>: the only one, or the one
/// named as the default. Configuration sorts its keys, so "the first configured" would mean the alphabetically first.
/// </summary>
public sealed class ClusterCatalog
{
    private readonly Dictionary<string, ClusterProfile> _byName;

    public ClusterCatalog(IEnumerable<ClusterProfile> profiles, string? defaultName = null)
    {
        All = profiles.ToList();
        if (All.Count == 0) throw new ArgumentException("At least one cluster must be configured.", nameof(profiles));
        _byName = All.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(defaultName))
        {
            if (All.Count > 1) throw new ArgumentException("With several clusters, one must be named the default.", nameof(defaultName));
            Default = All[0];
        }
        else
        {
            Default = Find(defaultName.Trim()) ?? throw new ArgumentException($"The default cluster '{defaultName}' is not configured.", nameof(defaultName));
        }
    }

    public IReadOnlyList<ClusterProfile> All { get; }

    public ClusterProfile Default { get; }

    public ClusterProfile Get(string name) =>
        _byName.TryGetValue(name, out var profile) ? profile : throw new KeyNotFoundException($"No cluster named '{name}' is configured.");

    public ClusterProfile? Find(string name) => _byName.GetValueOrDefault(name);
}
