using CondoBot.Core.Clusters;
using CondoBot.Core.Identity;

namespace CondoBot.Core.Tests.Fakes;

/// <summary>An installation whose line names the key and the cluster, enough for handler tests to find them in replies.</summary>
internal sealed class PlainKeyInstallation : IKeyInstallation
{
    public string Entry(UserLink link, ClusterProfile cluster) => $"restrict,command=\"gate\" {link.PublicKey}";

    public string Command(UserLink link, ClusterProfile cluster) => $"install-gate {cluster.Name} '{Entry(link, cluster)}'";
}
