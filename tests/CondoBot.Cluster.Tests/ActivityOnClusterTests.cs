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
    private GatedLogin _login = null!;

    private Actor Actor => _login.Actor;

    public async Task InitializeAsync() => _login = await GatedLogin.AuthorizeAsync(Login, "idle", _cluster.Profile());

    public Task DisposeAsync()
    {
        _login.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AnUntouchedJupyterLab_ReportsNoBusyKernel_AndALastActivityThatTheBotsOwnLooksDoNotMove()
    {
        var request = new JobRequest(SessionId.New(), "birthright", "", 1, Walltime.Parse("5")!.Value, Random.Shared.Next(20000, 60000));
        var submittedAt = DateTimeOffset.UtcNow;
        var submitted = await _login.Slurm.SubmitAsync(Actor, request, CancellationToken.None);
        Assert.True(submitted.Succeeded, submitted.Problem?.Message);
        try
        {
            // Written as soon as JupyterLab answers, then every 30 s.
            var first = (await _login.WaitAsync(submitted.Value, request.Session, s => s.Activity is not null, TimeSpan.FromSeconds(50))).Activity!;
            var second = (await _login.WaitAsync(submitted.Value, request.Session, s => s.Activity!.CheckedAt > first.CheckedAt, TimeSpan.FromSeconds(40))).Activity!;

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
            await _login.Slurm.CancelAsync(Actor, submitted.Value, CancellationToken.None);
        }
    }
}
