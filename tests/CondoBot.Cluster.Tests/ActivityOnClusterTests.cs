using CondoBot.Cluster.Gate;
using CondoBot.Cluster.Keys;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Identity;
using CondoBot.Testing;
using Microsoft.AspNetCore.DataProtection;

namespace CondoBot.Cluster.Tests;

/// <summary>A real JupyterLab on the local cluster, left alone, is reported idle through the gate's poll.</summary>
public sealed class ActivityOnClusterTests : IAsyncLifetime
{
    private const string Login = "condouser3";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly KeyVault _vault = new(new MemoryKeyStore(), new EphemeralDataProtectionProvider(), TimeProvider.System);
    private readonly ChatUserId _user = new("test", "idle-" + Guid.NewGuid().ToString("N")[..8]);
    private SlurmOverSsh _rig = null!;

    private Actor Actor => new(_user, new ClusterUser(Login), "local");

    public async Task InitializeAsync()
    {
        var link = await _vault.IssueAsync(_user, new ClusterUser(Login), CancellationToken.None);
        AuthorizedKey.RunAs(Login, new GateInstallation(new ClusterCatalog([_cluster.Profile()])).Command(link, _cluster.Profile()));
        _rig = new SlurmOverSsh(_cluster.Profile(), _vault);
    }

    public Task DisposeAsync()
    {
        _rig.Dispose();
        LocalCluster.Deauthorize(Login, KeyVault.Comment(_user));
        return Task.CompletedTask;
    }

    private async Task<JobSnapshot> WaitAsync(SlurmJobId job, SessionId session, Func<JobSnapshot, bool> until, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var snapshot = (await _rig.Slurm.GetJobAsync(Actor, job, session, CancellationToken.None)).Value!;
            if (until(snapshot)) return snapshot;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {job} did not get there within {within}; last seen {snapshot}");
            await Task.Delay(1000);
        }
    }

    [Fact]
    public async Task AnUntouchedJupyterLab_ReportsNoBusyKernel_AndALastActivityThatTheBotsOwnLooksDoNotMove()
    {
        var request = new JobRequest(SessionId.New(), "birthright", "", 1, Walltime.Parse("5")!.Value, Random.Shared.Next(20000, 60000));
        var submittedAt = DateTimeOffset.UtcNow;
        var submitted = await _rig.Slurm.SubmitAsync(Actor, request, CancellationToken.None);
        Assert.True(submitted.Succeeded, submitted.Problem?.Message);
        try
        {
            // Written as soon as JupyterLab answers, then every 30 s.
            var first = (await WaitAsync(submitted.Value, request.Session, s => s.Activity is not null, TimeSpan.FromSeconds(50))).Activity!;
            var second = (await WaitAsync(submitted.Value, request.Session, s => s.Activity!.CheckedAt > first.CheckedAt, TimeSpan.FromSeconds(40))).Activity!;

            Assert.Equal(0, first.BusyKernels);
            Assert.Equal(0, first.Kernels);
            Assert.Equal(0, first.Connections);
            Assert.InRange(first.LastActivity, submittedAt.AddSeconds(-5), first.CheckedAt);
            // Neither the job's own requests nor the bot's polls count as activity: the lab stays as idle as it was.
            Assert.Equal(first.LastActivity, second.LastActivity);
            Assert.Equal(0, second.BusyKernels);
        }
        finally
        {
            await _rig.Slurm.CancelAsync(Actor, submitted.Value, CancellationToken.None);
        }
    }
}
