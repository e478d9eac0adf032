using CondoBot.Cluster.Gate;
using CondoBot.Cluster.Keys;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Identity;
using CondoBot.Testing;
using Microsoft.AspNetCore.DataProtection;

namespace CondoBot.Cluster.Tests;

/// <summary>A follow-on on the real local cluster takes over its predecessor's JupyterLab token, so the open URL stays good.</summary>
public sealed class RenewalOnClusterTests : IAsyncLifetime
{
    private const string Login = "condouser3";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private GatedLogin _login = null!;

    private Actor Actor => _login.Actor;

    public async Task InitializeAsync() => _login = await GatedLogin.AuthorizeAsync(Login, "renew", _cluster.Profile());

    public Task DisposeAsync()
    {
        _login.Dispose();
        return Task.CompletedTask;
    }

    private async Task<JupyterEndpoint> ReadyAsync(SlurmJobId job, SessionId session)
    {
        var deadline = DateTime.UtcNow.AddSeconds(50);
        while (DateTime.UtcNow < deadline)
        {
            var snapshot = (await _login.Slurm.GetJobAsync(Actor, job, session, CancellationToken.None)).Value!;
            if (snapshot.Jupyter is { } jupyter) return jupyter;
            await Task.Delay(500);
        }

        throw new TimeoutException($"JupyterLab of job {job} did not answer within 50 s");
    }

    /// <summary>Slurm's own elapsed time for the job (squeue's <c>%M</c>), asked as root on the cluster.</summary>
    private TimeSpan Elapsed(SlurmJobId job)
    {
        var text = _cluster.Slurm("squeue", "--noheader", "--states=all", "--jobs", job.ToString(), "--format=%M").Trim();
        return Slurm.SlurmOutput.ParseTimeLeft(text) ?? throw new InvalidOperationException($"squeue printed '{text}' for the elapsed time");
    }

    [Fact]
    public async Task AFollowOn_AnswersWithTheTokenOfTheSessionItFollows_AndLeavesNoTokenFileBehind()
    {
        var port = Random.Shared.Next(20000, 60000);
        var first = new JobRequest(SessionId.New(), "birthright", "", 1, Walltime.Parse("5")!.Value, port);
        var firstJob = (await _login.Slurm.SubmitAsync(Actor, first, CancellationToken.None)).Value;
        var second = new JobRequest(SessionId.New(), "birthright", "", 1, Walltime.Parse("5")!.Value, port) { After = firstJob, KeepTokenOf = first.Session };
        var submitted = await _login.Slurm.SubmitAsync(Actor, second, CancellationToken.None);
        Assert.True(submitted.Succeeded, submitted.Problem?.Message);
        var secondJob = submitted.Value;
        try
        {
            var before = await ReadyAsync(firstJob, first.Session);
            Assert.False(before.TokenKept);
            await _login.Slurm.CancelAsync(Actor, firstJob, CancellationToken.None);

            var after = await ReadyAsync(secondJob, second.Session);
            var ended = (await _login.Slurm.GetJobAsync(Actor, firstJob, first.Session, CancellationToken.None)).Value!;
            var elapsed = Elapsed(firstJob);

            Assert.Equal(before.Token, after.Token);
            Assert.True(after.TokenKept);
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false });
            var status = await http.GetAsync(new Uri($"http://{_cluster.NodeAddress}:{after.Port}/api/status?token={before.Token}"));
            Assert.True(status.IsSuccessStatusCode);
            Assert.False(File.Exists($"/home/{Login}/.condobot/{first.Session}.token"));
            Assert.False(File.Exists($"/home/{Login}/.condobot/{first.Session}.keep"));

            // Usage's raw material is Slurm's own: the ended job's start and end are those Slurm reports as its elapsed time.
            Assert.Equal((JobPhase.Cancelled, 1), (ended.Phase, ended.NodeCount));
            Assert.Equal(elapsed, ended.EndTime - ended.StartTime);
        }
        finally
        {
            await _login.Slurm.CancelAsync(Actor, firstJob, CancellationToken.None);
            await _login.Slurm.CancelAsync(Actor, secondJob, CancellationToken.None);
        }
    }
}
