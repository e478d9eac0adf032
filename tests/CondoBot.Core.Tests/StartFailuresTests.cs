using CondoBot.Core.Clusters;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tests.Fakes;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

/// <summary>A job that ended before JupyterLab answered is explained from its output's last lines, in plain words.</summary>
public class StartFailuresTests
{
    private static readonly SlurmJobId Job = new(4242);

    private static string Explain(params string[] lines) => StartFailures.Explain(lines, "condo", Job);

    // The gate's own lines after each failed launch, as the job script prints them.
    private static readonly string[] Attempts =
    [
        "CondoBot: JupyterLab stopped before answering on port 23456 (attempt 5)",
        "CondoBot: JupyterLab did not start",
    ];

    [Fact]
    public void ALaunchCommandNotFound_IsNamed_WithTheSettingThatFixesIt()
    {
        var text = Explain(["/var/spool/slurmd/job04242/slurm_script: line 14: jupyter-lab9: command not found", .. Attempts]);

        Assert.StartsWith("The launch command `jupyter-lab9` was not found on the node", text, StringComparison.Ordinal);
        Assert.Contains("`Clusters__condo__LaunchCommand`", text, StringComparison.Ordinal);
    }

    [Fact]
    public void JupyterWithoutItsLabSubcommand_IsALaunchCommandNotFound() =>
        Assert.StartsWith("The launch command `jupyter-lab` was not found", Explain(["Jupyter command `jupyter-lab` not found.", .. Attempts]), StringComparison.Ordinal);

    [Theory]
    [InlineData("ERROR: Unable to locate a modulefile for 'anaconda3/2099.01'", "anaconda3/2099.01")]
    [InlineData("ModuleCmd_Load.c(213):ERROR:105: Unable to locate a modulefile for 'cuda/13'", "cuda/13")]
    [InlineData("Lmod has detected the following error:  The following module(s) are unknown: \"rapids/25.02\"", "rapids/25.02")]
    public void AModuleThatDoesNotLoad_IsNamed(string line, string module)
    {
        var text = Explain([line, "/var/spool/slurmd/job04242/slurm_script: line 14: jupyter: command not found", .. Attempts]);

        Assert.StartsWith($"The module `{module}` did not load", text, StringComparison.Ordinal);
        Assert.Contains("`module avail`", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("slurmstepd: error: Detected 1 oom_kill event in StepId=4242.batch. Some of the step tasks have been OOM Killed.")]
    [InlineData("MemoryError")]
    public void OutOfMemory_IsSaidSo(string line) =>
        Assert.StartsWith("The job ran out of memory before JupyterLab answered", Explain(["[I 2026-12-01 11:00:00.000 ServerApp] jupyterlab | extension was successfully linked.", line]), StringComparison.Ordinal);

    [Theory]
    [InlineData("OSError: [Errno 122] Disk quota exceeded: '/home/alice/.local/share/jupyter/runtime/jpserver-1234.json'")]
    [InlineData("/var/spool/slurmd/job04242/slurm_script: line 9: cannot create temp file for here-document: No space left on device")]
    public void AFullDiskQuota_IsSaidSo_WithWhereToFreeSpace(string line)
    {
        var text = Explain(["Traceback (most recent call last):", line, .. Attempts]);

        Assert.StartsWith("JupyterLab could not write its files: your disk quota is used up", text, StringComparison.Ordinal);
        Assert.Contains("du -sh", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ModuleNotFoundError: No module named 'jupyter_server'", "`jupyter_server`", "pip install --user jupyter_server")]
    [InlineData("ImportError: cannot import name 'soft_unicode' from 'markupsafe' (/usr/lib/python3/dist-packages/markupsafe/__init__.py)", "`markupsafe`", "pip install --user markupsafe")]
    public void APythonImportError_NamesThePackage(string line, string named, string fix)
    {
        var text = Explain(["Traceback (most recent call last):", "  File \"/usr/bin/jupyter-lab\", line 5, in <module>", line, .. Attempts]);

        Assert.StartsWith($"Python could not import {named}", text, StringComparison.Ordinal);
        Assert.Contains(fix, text, StringComparison.Ordinal);
    }

    [Fact]
    public void NoFreePort_IsSaidSo() =>
        Assert.StartsWith("JupyterLab found no free port on the node", Explain(
            "[I 2026-12-01 11:00:00.000 ServerApp] The port 23456 is already in use, trying another port.",
            "[C 2026-12-01 11:00:00.000 ServerApp] ERROR: the Jupyter server could not be started because no available port could be found.",
            "CondoBot: JupyterLab did not start"), StringComparison.Ordinal);

    [Fact]
    public void AnythingElse_IsQuoted_ItsLastFewLines_WithoutAToken()
    {
        var text = Explain(
            "[I 2026-12-01 11:00:00.000 ServerApp] http://tnode01:23456/lab?token=0123456789abcdef0123456789abcdef0123456789abcdef",
            "JUPYTER_TOKEN=fedcba9876543210fedcba9876543210fedcba98",
            "Segmentation fault (core dumped)",
            "CondoBot: JupyterLab did not start");

        Assert.StartsWith("JupyterLab stopped before it answered. The last lines of the job's output:", text, StringComparison.Ordinal);
        Assert.Contains("Segmentation fault (core dumped)", text, StringComparison.Ordinal);
        Assert.Contains("token=(hidden)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef0123456789abcdef", text, StringComparison.Ordinal);
        Assert.DoesNotContain("fedcba9876543210fedcba9876543210", text, StringComparison.Ordinal);
    }

    [Fact]
    public void NoOutputAtAll_SaysWhereTheOutputWouldBe() =>
        Assert.Contains("`~/.condobot/slurm-4242.out`", Explain(), StringComparison.Ordinal);

    [Fact]
    public async Task AJobThatFailsBeforeJupyterLabAnswers_EndsWithTheExplanation_InTheEndedNotice()
    {
        var rig = new CoreRig();
        var id = await rig.StartLinkedAsync(Alice);
        await rig.Workflow.SubmitAsync(id, CancellationToken.None);
        rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Running, "RUNNING", "node001", TimeSpan.FromMinutes(119), null, null);
        await rig.PollAsync(id);
        rig.Cluster.Output.AddRange(["/var/spool/slurmd/job01001/slurm_script: line 14: jupyter-lab9: command not found", .. Attempts]);
        rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Failed, "FAILED", "node001", null, null, null);

        await rig.PollAsync(id);

        var ended = NoticeText.Render(rig.Store.Queued[^1]);
        Assert.Contains("has ended after", ended, StringComparison.Ordinal);
        Assert.Contains("The launch command `jupyter-lab9` was not found on the node", ended, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASessionStoppedBeforeJupyterLabAnswered_IsNotExplained()
    {
        var rig = new CoreRig();
        var id = await rig.StartLinkedAsync(Alice);
        await rig.Workflow.SubmitAsync(id, CancellationToken.None);
        rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Running, "RUNNING", "node001", TimeSpan.FromMinutes(119), null, null);
        await rig.PollAsync(id);
        rig.Cluster.Output.Add("anything");
        rig.Cluster.Snapshot = new JobSnapshot(JobPhase.Cancelled, "CANCELLED", "node001", null, null, null);

        await rig.PollAsync(id);

        Assert.Null(rig.Store.Get(id).Explanation);
    }
}
