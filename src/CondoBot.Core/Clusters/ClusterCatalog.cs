namespace CondoBot.Core.Clusters;

/// <summary>The configured clusters, by name; the first one is the default.</summary>
public sealed class ClusterCatalog
{
    private readonly Dictionary<string, ClusterProfile> _byName;

    public ClusterCatalog(IEnumerable<ClusterProfile> profiles)
    {
        All = profiles.ToList();
        if (All.Count == 0) throw new ArgumentException("At least one cluster must be configured.", nameof(profiles));
        _byName = All.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<ClusterProfile> All { get; }

    public ClusterProfile Default => All[0];

    public ClusterProfile Get(string name) =>
        _byName.TryGetValue(name, out var profile) ? profile : throw new KeyNotFoundException($"No cluster named '{name}' is configured.");

    public ClusterProfile? Find(string name) => _byName.GetValueOrDefault(name);
}
