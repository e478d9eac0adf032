using CondoBot.Core.Clusters;

namespace CondoBot.Host.Configuration;

/// <summary>The <c>Clusters</c> section: one <see cref="ClusterProfile"/> per cluster name.</summary>
public sealed class ClusterSettings : Dictionary<string, ClusterProfile>
{
    public ClusterSettings()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }
}
