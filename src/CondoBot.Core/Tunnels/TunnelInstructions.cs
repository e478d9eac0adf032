using System.Globalization;
using CondoBot.Core.Clusters;

namespace CondoBot.Core.Tunnels;

/// <summary>
/// How a person reaches JupyterLab on a compute node from their own computer. Every command runs on their computer and
/// forwards straight to the node, so nothing listens on the shared login node. When JupyterLab listens on a Unix
/// socket (a cluster with node SSH), the commands log in to the node itself through the login node (<c>-J</c>) and
/// forward to the socket: SSH carries the traffic all the way, and only the socket's owner can open it.
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
        var url = string.Create(CultureInfo.InvariantCulture, $"http://localhost:{localPort}{cluster.UrlPath}?token={jupyter.Token}");
        return jupyter.Socket is { } socket
            ? ThroughTheNode(cluster, login, localPort, jupyter.Node, socket, url)
            : ThroughTheLoginNode(cluster, login, localPort, jupyter, url);
    }

    /// <summary>
    /// To the socket, over SSH to the node: <c>ssh -N -J LOGIN -L PORT:SOCKET NODE</c>, and outside two hops
    /// (<c>-J EXTERNAL,LOGIN</c>). No step-by-step variant: every hop of one would need a relay port on a shared host,
    /// which is what the socket avoids; an ssh without <c>-J</c> (before OpenSSH 7.3) cannot take these commands.
    /// </summary>
    private static TunnelInstructions ThroughTheNode(ClusterProfile cluster, ClusterUser login, int localPort, string node, string socket, string url)
    {
        var jump = $"{login}@{HostAndPort(cluster.LoginHost, cluster.LoginPort)}";
        var nodePort = cluster.NodeSshPort == 22 ? "" : string.Create(CultureInfo.InvariantCulture, $" -p {cluster.NodeSshPort}");
        var rest = string.Create(CultureInfo.InvariantCulture, $"{nodePort} -L {localPort}:{socket} {login}@{node}");
        var outside = string.IsNullOrEmpty(cluster.ExternalLoginHost) ? null : $"ssh -N -J {login}@{cluster.ExternalLoginHost},{jump}{rest}";
        return new TunnelInstructions(node, localPort, $"ssh -N -J {jump}{rest}", outside, [], url);
    }

    private static TunnelInstructions ThroughTheLoginNode(ClusterProfile cluster, ClusterUser login, int localPort, JupyterEndpoint jupyter, string url)
    {
        var forward = string.Create(CultureInfo.InvariantCulture, $"{localPort}:{jupyter.Node}:{jupyter.Port}");
        var loginPort = cluster.LoginPort == 22 ? "" : string.Create(CultureInfo.InvariantCulture, $" -p {cluster.LoginPort}");
        var loginTarget = $"{login}@{cluster.LoginHost}";
        var inside = $"ssh -N{loginPort} -L {forward} {loginTarget}";

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

    /// <summary>A host as <c>-J</c> takes it: <c>host</c>, <c>host:port</c>, or <c>[v6]:port</c>.</summary>
    private static string HostAndPort(string host, int port)
    {
        if (port == 22) return host;
        var bracketed = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return string.Create(CultureInfo.InvariantCulture, $"{bracketed}:{port}");
    }
}
