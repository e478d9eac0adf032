using CondoBot.Core.Clusters;
using CondoBot.Core.Tunnels;

namespace CondoBot.Core.Tests;

/// <summary>The printed commands when JupyterLab listens on a Unix socket on the node (a cluster with node SSH).</summary>
public class SocketTunnelInstructionsTests
{
    private static readonly JupyterEndpoint Socket = JupyterEndpoint.OnSocket("tnode01", "/tmp/condobot-0123abcd.Xy12Ab/jupyter.sock", "feedfacefeedface");

    private static ClusterProfile Cluster(int loginPort = 22, int nodePort = 22, string external = "", string loginHost = "login01.example.org") => new()
    {
        Name = "condo", LoginHost = loginHost, LoginPort = loginPort, ExternalLoginHost = external, NodeSsh = true, NodeSshPort = nodePort,
    };

    [Fact]
    public void Inside_LogsInToTheNodeThroughTheLoginNode_AndForwardsToTheSocket()
    {
        var t = TunnelInstructions.Build(Cluster(), new ClusterUser("uid"), 5959, Socket);

        Assert.Equal("ssh -N -J uid@login01.example.org -L 5959:/tmp/condobot-0123abcd.Xy12Ab/jupyter.sock uid@tnode01", t.Inside);
        Assert.Equal("http://localhost:5959/lab?token=feedfacefeedface", t.Url);
        Assert.Null(t.Outside);
        Assert.Empty(t.StepByStep);
    }

    [Fact]
    public void TheLoginPort_GoesWithTheJumpHost_AndTheNodesPort_WithTheNode()
    {
        var t = TunnelInstructions.Build(Cluster(loginPort: 2223, nodePort: 2022), new ClusterUser("uid"), 5959, Socket);

        Assert.Equal("ssh -N -J uid@login01.example.org:2223 -p 2022 -L 5959:/tmp/condobot-0123abcd.Xy12Ab/jupyter.sock uid@tnode01", t.Inside);
    }

    [Fact]
    public void AnIpv6LoginHostWithAPort_IsBracketedInTheJump()
    {
        var t = TunnelInstructions.Build(Cluster(loginPort: 2223, loginHost: "fd00::3"), new ClusterUser("uid"), 5959, Socket);

        Assert.StartsWith("ssh -N -J uid@[fd00::3]:2223 -L ", t.Inside, StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_HopsThroughTheExternalHostThenTheLoginNode_ToTheNode()
    {
        var t = TunnelInstructions.Build(Cluster(loginPort: 2223, external: "ext.example.org"), new ClusterUser("uid"), 5959, Socket);

        Assert.Equal("ssh -N -J uid@ext.example.org,uid@login01.example.org:2223 -L 5959:/tmp/condobot-0123abcd.Xy12Ab/jupyter.sock uid@tnode01", t.Outside);
        Assert.Empty(t.StepByStep);
    }
}
