using System.Globalization;
using CondoBot.Core.Clusters;

namespace CondoBot.Core.Tunnels;

/// <summary>
/// How a person reaches JupyterLab on a compute node from their own computer. Every command runs on their computer and
/// forwards straight to the node, so nothing listens on the shared login node.
/// </summary>
public sealed record TunnelInstructions(
    string Node,
    int LocalPort,
    string Inside,
    string? Outside,
    IReadOnlyList<string> StepByStep,
    string Url)
{
    public static TunnelInstructions Build(ClusterProfile cluster, ClusterUser login, int localPort, JupyterEndpoint jupyter)
    {
        var forward = string.Create(CultureInfo.InvariantCulture, $"{localPort}:{jupyter.Node}:{jupyter.Port}");
        var loginPort = cluster.LoginPort == 22 ? "" : string.Create(CultureInfo.InvariantCulture, $" -p {cluster.LoginPort}");
        var loginTarget = $"{login}@{cluster.LoginHost}";
        var inside = $"ssh -N{loginPort} -L {forward} {loginTarget}";
        var url = string.Create(CultureInfo.InvariantCulture, $"http://localhost:{localPort}{cluster.UrlPath}?token={jupyter.Token}");

        string? outside = null;
        var steps = new List<string>();
        if (!string.IsNullOrEmpty(cluster.ExternalLoginHost))
        {
            var external = $"{login}@{cluster.ExternalLoginHost}";
            outside = $"ssh -N -J {external}{loginPort} -L {forward} {loginTarget}";
            // The guide's variant for an ssh without -J: a relay on the external host's loopback, on the node's port.
            var relay = string.Create(CultureInfo.InvariantCulture, $"{jupyter.Port}");
            steps.Add(string.Create(CultureInfo.InvariantCulture, $"On your computer: ssh -N -L {localPort}:localhost:{relay} {external}"));
            steps.Add($"In a second terminal: ssh {external}");
            steps.Add(string.Create(CultureInfo.InvariantCulture, $"There: ssh -N{loginPort} -L {relay}:{jupyter.Node}:{jupyter.Port} {loginTarget}"));
            steps.Add($"Open {url}");
        }

        return new TunnelInstructions(jupyter.Node, localPort, inside, outside, steps, url);
    }
}
