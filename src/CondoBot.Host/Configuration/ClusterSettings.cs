using CondoBot.Core.Clusters;

namespace CondoBot.Host.Configuration;

/// <summary>
/// The <c>Clusters</c> section: one <see cref="ClusterProfile"/> per cluster name (<c>Clusters__NAME__...</c>), and
/// <c>Clusters__Default</c>, the cluster <c>start</c> uses without <c>--cluster</c> (needed only with several).
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "Clusters";

    /// <summary>The key that names the default cluster; no cluster can be called this.</summary>
    public const string DefaultKey = "Default";

    public Dictionary<string, ClusterProfile> Profiles { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string Default { get; set; } = "";

    /// <summary>Reads the section by hand: the binder would take <c>Default</c> for a cluster.</summary>
    public static void Read(IConfigurationSection section, ClusterSettings settings)
    {
        foreach (var child in section.GetChildren())
        {
            if (string.Equals(child.Key, DefaultKey, StringComparison.OrdinalIgnoreCase))
            {
                settings.Default = child.Value ?? "";
                continue;
            }

            var profile = new ClusterProfile();
            child.Bind(profile);
            profile.Name = child.Key;
            settings.Profiles[child.Key] = profile;
        }
    }

    public ClusterCatalog Catalog() => new(Profiles.Values, Default);
}
