using CondoBot.Cluster.Gate;
using CondoBot.Cluster.Keys;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Identity;
using CondoBot.Core.Sessions;
using CondoBot.Testing;
using Microsoft.AspNetCore.DataProtection;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// Environments on the real local cluster: one whose preamble leaves a mark in the job, and one whose launch command
/// does not exist, which ends before JupyterLab answers and is explained from its output, read back through the gate.
/// </summary>
public sealed class EnvironmentOnClusterTests : IAsyncLifetime
{
    private const string Login = "condouser3";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private GatedLogin _login = null!;

    private Actor Actor => _login.Actor;

    private readonly string _mark = "condobot-env-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The local cluster, with an environment that marks its job and one with a launch command no node has.</summary>
    private ClusterProfile Profile()
    {
        var profile = _cluster.Profile();
        profile.Environments["marked"] = new ClusterEnvironment { Preamble = $"echo {_mark}" };
        profile.Environments["broken"] = new ClusterEnvironment { LaunchCommand = "jupyter-nosuchlab lab" };
        return profile;
    }

    private JobRequest Request(string environment) =>
        new(SessionId.New(), "birthright", "", 1, Walltime.Parse("5")!.Value, Random.Shared.Next(20000, 60000)) { Environment = environment };

    [Fact]
    public async Task AnEnvironmentsPreamble_RunsInTheJob()
    {
        var request = Request("marked");
        var submitted = await _login.Slurm.SubmitAsync(Actor, request, CancellationToken.None);
        Assert.True(submitted.Succeeded, submitted.Problem?.Message);
        try
        {
            IReadOnlyList<string> output = [];
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!output.Contains(_mark) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
                output = (await _login.Slurm.JobOutputAsync(Actor, submitted.Value, CancellationToken.None)).Value ?? [];
            }

            Assert.Contains(_mark, output);
        }
        finally
        {
            await _login.Slurm.CancelAsync(Actor, submitted.Value, CancellationToken.None);
        }
    }

    public async Task InitializeAsync() => _login = await GatedLogin.AuthorizeAsync(Login, "failure", Profile());

    public Task DisposeAsync()
    {
        _login.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AnEnvironmentWhoseLaunchCommandIsMissing_EndsTheJob_AndItsOutputIsExplainedAsNotFound()
    {
        var request = Request("broken");
        var submitted = await _login.Slurm.SubmitAsync(Actor, request, CancellationToken.None);
        Assert.True(submitted.Succeeded, submitted.Problem?.Message);
        try
        {
            JobSnapshot snapshot;
            var deadline = DateTime.UtcNow.AddSeconds(45);
            do
            {
                await Task.Delay(500);
                snapshot = (await _login.Slurm.GetJobAsync(Actor, submitted.Value, request.Session, CancellationToken.None)).Value!;
            }
            while (!snapshot.Phase.IsFinal() && DateTime.UtcNow < deadline);

            Assert.Equal(JobPhase.Failed, snapshot.Phase);
            Assert.Null(snapshot.Jupyter);
            var output = await _login.Slurm.JobOutputAsync(Actor, submitted.Value, CancellationToken.None);
            Assert.True(output.Succeeded, output.Problem?.Message);
            Assert.Contains(output.Value, l => l.Contains("jupyter-nosuchlab: command not found", StringComparison.Ordinal));

            var explained = StartFailures.Explain(output.Value, "local", submitted.Value);

            Assert.StartsWith("The launch command `jupyter-nosuchlab` was not found on the node", explained, StringComparison.Ordinal);
        }
        finally
        {
            await _login.Slurm.CancelAsync(Actor, submitted.Value, CancellationToken.None);
        }
    }
}
