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
