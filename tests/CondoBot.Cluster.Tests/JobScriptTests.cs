using CondoBot.Cluster.Slurm;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Testing;

namespace CondoBot.Cluster.Tests;

public class JobScriptTests
{
    private static readonly JobRequest Request = new(SessionId.New(), "cnms", "", 1, Walltime.Default, 23456);

    private static readonly ClusterProfile Cluster = new()
    {
        Name = "condo",
        LoginHost = "login",
        JobPreamble = "module purge\nmodule load anaconda3/5.1.0-pe3",
        LaunchCommand = "jupyter lab",
    };

    [Fact]
    public void Render_IsValidBash()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, JobScript.Render(Request, Cluster));
            LocalCluster.Run("bash", "-n", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Render_RunsThePreambleBeforeTheLaunchCommand_OnTheChosenPort()
    {
        var script = JobScript.Render(Request, Cluster);

        Assert.True(script.IndexOf("module load anaconda3/5.1.0-pe3", StringComparison.Ordinal)
            < script.IndexOf("jupyter lab --ip=0.0.0.0 --port=\"$port\" --port-retries=0 --no-browser", StringComparison.Ordinal));
        Assert.Contains("port=23456", script, StringComparison.Ordinal);
        Assert.Contains($".condobot/{Request.Session}.conn", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PassesTheTokenOnlyThroughTheEnvironment()
    {
        var script = JobScript.Render(Request, Cluster);

        Assert.Contains("export JUPYTER_TOKEN", script, StringComparison.Ordinal);
        Assert.DoesNotContain("token=$JUPYTER_TOKEN", script.Replace("token=%s", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("--ServerApp.token", script, StringComparison.Ordinal);
        Assert.DoesNotContain("--NotebookApp.token", script, StringComparison.Ordinal);
        Assert.Contains("umask 077", script, StringComparison.Ordinal);
    }
}
