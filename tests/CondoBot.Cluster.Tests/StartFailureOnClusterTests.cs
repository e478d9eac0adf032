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
/// A job whose launch command does not exist, on the real local cluster: it ends before JupyterLab answers, and what
/// its output says is read back through the gate and explained.
/// </summary>
public sealed class StartFailureOnClusterTests : IAsyncLifetime
{
    private const string Login = "condouser3";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly KeyVault _vault = new(new MemoryKeyStore(), new EphemeralDataProtectionProvider(), TimeProvider.System);
    private readonly ChatUserId _user = new("test", "failure-" + Guid.NewGuid().ToString("N")[..8]);
    private SlurmOverSsh _rig = null!;

    private Actor Actor => new(_user, new ClusterUser(Login), "local");

    /// <summary>The local cluster, with a launch command no node has.</summary>
    private ClusterProfile Profile()
    {
        var profile = _cluster.Profile();
        profile.LaunchCommand = "jupyter-nosuchlab lab";
        return profile;
    }

    public async Task InitializeAsync()
    {
        var link = await _vault.IssueAsync(_user, new ClusterUser(Login), CancellationToken.None);
        AuthorizedKey.RunAs(Login, new GateInstallation(new ClusterCatalog([Profile()])).Command(link, Profile()));
        _rig = new SlurmOverSsh(Profile(), _vault);
    }

    public Task DisposeAsync()
    {
        _rig.Dispose();
        LocalCluster.Deauthorize(Login, KeyVault.Comment(_user));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AMissingLaunchCommand_EndsTheJob_AndItsOutputIsExplainedAsNotFound()
    {
        var request = new JobRequest(SessionId.New(), "birthright", "", 1, Walltime.Parse("5")!.Value, Random.Shared.Next(20000, 60000));
        var submitted = await _rig.Slurm.SubmitAsync(Actor, request, CancellationToken.None);
        Assert.True(submitted.Succeeded, submitted.Problem?.Message);
        try
        {
            JobSnapshot snapshot;
            var deadline = DateTime.UtcNow.AddSeconds(45);
            do
            {
                await Task.Delay(500);
                snapshot = (await _rig.Slurm.GetJobAsync(Actor, submitted.Value, request.Session, CancellationToken.None)).Value!;
            }
            while (!snapshot.Phase.IsFinal() && DateTime.UtcNow < deadline);

            Assert.Equal(JobPhase.Failed, snapshot.Phase);
            Assert.Null(snapshot.Jupyter);
            var output = await _rig.Slurm.JobOutputAsync(Actor, submitted.Value, CancellationToken.None);
            Assert.True(output.Succeeded, output.Problem?.Message);
            Assert.Contains(output.Value, l => l.Contains("jupyter-nosuchlab: command not found", StringComparison.Ordinal));

            var explained = StartFailures.Explain(output.Value, "local", submitted.Value);

            Assert.StartsWith("The launch command `jupyter-nosuchlab` was not found on the node", explained, StringComparison.Ordinal);
        }
        finally
        {
            await _rig.Slurm.CancelAsync(Actor, submitted.Value, CancellationToken.None);
        }
    }
}
