using CondoBot.Core.Clusters;
using CondoBot.Core.Tunnels;

namespace CondoBot.Core.Tests;

public class TunnelInstructionsTests
{
    private static readonly JupyterEndpoint Jupyter = new("node001", 23456, "feedfacefeedface");

    private static ClusterProfile Cluster(int port = 22, string external = "") => new()
    {
        Name = "condo", LoginHost = "or-slurm-login01.ornl.gov", LoginPort = port, ExternalLoginHost = external,
    };

    [Fact]
    public void Inside_ForwardsTheLocalPortStraightToTheNode_ThroughTheLoginHost()
    {
        var t = TunnelInstructions.Build(Cluster(), new ClusterUser("uid"), 5959, Jupyter);

        Assert.Equal("ssh -N -L 5959:node001:23456 uid@or-slurm-login01.ornl.gov", t.Inside);
        Assert.Equal("http://localhost:5959/lab?token=feedfacefeedface", t.Url);
        Assert.Null(t.Outside);
    }

    [Fact]
    public void TheUrl_OpensTheClustersWebUi_WhenItIsNotJupyterLab()
    {
        var classic = Cluster(external: "cades-extlogin1.ornl.gov");
        classic.UrlPath = "/tree";

        var t = TunnelInstructions.Build(classic, new ClusterUser("uid"), 5959, Jupyter);

        Assert.Equal("http://localhost:5959/tree?token=feedfacefeedface", t.Url);
        Assert.Equal("Open http://localhost:5959/tree?token=feedfacefeedface", t.StepByStep[^1]);
    }

    [Fact]
    public void Inside_NamesTheLoginPort_WhenItIsNot22()
    {
        var t = TunnelInstructions.Build(Cluster(port: 2222), new ClusterUser("uid"), 8888, Jupyter);

        Assert.Equal("ssh -N -p 2222 -L 8888:node001:23456 uid@or-slurm-login01.ornl.gov", t.Inside);
    }

    [Fact]
    public void Outside_JumpsThroughTheExternalLoginHost_AndOffersTheStepByStepVariant()
    {
        var t = TunnelInstructions.Build(Cluster(external: "cades-extlogin1.ornl.gov"), new ClusterUser("uid"), 5959, Jupyter);

        Assert.Equal("ssh -N -J uid@cades-extlogin1.ornl.gov -L 5959:node001:23456 uid@or-slurm-login01.ornl.gov", t.Outside);
        Assert.Equal(4, t.StepByStep.Count);
        Assert.Contains("ssh -N -L 5959:localhost:23456 uid@cades-extlogin1.ornl.gov", t.StepByStep[0], StringComparison.Ordinal);
        Assert.Contains("ssh -N -L 23456:node001:23456 uid@or-slurm-login01.ornl.gov", t.StepByStep[2], StringComparison.Ordinal);
    }
}

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
