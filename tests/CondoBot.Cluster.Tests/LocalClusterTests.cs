using CondoBot.Cluster.Keys;
using CondoBot.Cluster.Slurm;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Identity;
using CondoBot.Testing;
using Microsoft.AspNetCore.DataProtection;

namespace CondoBot.Cluster.Tests;

/// <summary>The Slurm-over-SSH boundary against the real local cluster: a real sshd, slurmctld, slurmd and Jupyter.</summary>
public sealed class LocalClusterTests : IAsyncLifetime
{
    private const string Login = "condouser3";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly MemoryKeyStore _store = new();
    private readonly KeyVault _vault;
    private readonly ChatUserId _user = new("test", "cluster-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<SlurmOverSsh> _rigs = [];
    private UserLink _link = null!;

    public LocalClusterTests() => _vault = new KeyVault(_store, new EphemeralDataProtectionProvider(), TimeProvider.System);

    private Actor Actor => new(_user, new ClusterUser(Login), "local");

    public async Task InitializeAsync()
    {
        _link = await _vault.IssueAsync(_user, new ClusterUser(Login), CancellationToken.None);
        AuthorizedKey.RunAs(Login, new CondoBot.Cluster.Gate.GateInstallation(new ClusterCatalog([_cluster.Profile()])).Command(_link, _cluster.Profile()));
    }

    public Task DisposeAsync()
    {
        foreach (var rig in _rigs) rig.Dispose();
        LocalCluster.Deauthorize(Login, KeyVault.Comment(_user));
        return Task.CompletedTask;
    }

    private SlurmCluster Slurm(string hostKey = "") => Slurm(_cluster.Profile(hostKey: hostKey));

    private SlurmCluster Slurm(ClusterProfile profile)
    {
        var rig = new SlurmOverSsh(profile, _vault);
        _rigs.Add(rig);
        return rig.Slurm;
    }

    [Fact]
    public async Task AGeneratedKey_LogsInForReal_AsTheLinkedUser()
    {
        var result = await Slurm().CheckLoginAsync(Actor, CancellationToken.None);

        Assert.True(result.Succeeded, result.Problem?.Message);
        Assert.Equal(Login, result.Value);
    }

    [Fact]
    public async Task AWrongHostKeyPin_RefusesToConnect_AndSaysWhy()
    {
        var result = await Slurm(hostKey: "SHA256:" + new string('A', 43)).CheckLoginAsync(Actor, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(ProblemKind.HostKeyMismatch, result.Problem.Kind);
        Assert.Contains("host key that does not match", result.Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALoginNodeThatDoesNotAnswer_IsReportedAsUnavailable_SoTheSessionIsRetried()
    {
        var closed = _cluster.Profile() ;
        closed.LoginPort = 2299;
        var slurm = Slurm(closed);

        var result = await slurm.CheckLoginAsync(Actor, CancellationToken.None);

        Assert.Equal(ProblemKind.ClusterUnavailable, result.Problem?.Kind);
        Assert.Contains("Could not reach the login node", result.Problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyThatWasNeverAuthorized_IsRefused_WithWhatToDo()
    {
        var stranger = new ChatUserId("test", "stranger");
        await _vault.IssueAsync(stranger, new ClusterUser(Login), CancellationToken.None);

        var result = await Slurm().CheckLoginAsync(new Actor(stranger, new ClusterUser(Login), "local"), CancellationToken.None);

        Assert.Equal(ProblemKind.NotAuthorized, result.Problem?.Kind);
        Assert.Contains("authorized_keys", result.Problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAccountTheUserMayNotUse_ComesBackWithSlurmsReason()
    {
        var request = new JobRequest(SessionId.New(), "cnms", "", 1, Walltime.Default, 23456);

        var result = await Slurm().SubmitAsync(Actor, request, CancellationToken.None);

        Assert.Equal(ProblemKind.SlurmRejected, result.Problem?.Kind);
        Assert.Equal("Slurm refused the job: Invalid account or account/partition combination specified.", result.Problem!.Message);
    }

    [Fact]
    public async Task AWalltimeOverThePartitionLimit_ComesBackWithSlurmsReason()
    {
        var request = new JobRequest(SessionId.New(), "birthright", "short", 1, Walltime.Parse("20")!.Value, 23456);

        var result = await Slurm().SubmitAsync(Actor, request, CancellationToken.None);

        Assert.Contains("Requested time limit is invalid", result.Problem?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APortTakenOnTheNode_IsRetriedOnAnotherPort_WithoutTheUserNoticing()
    {
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        squatter.Start();
        var taken = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        var slurm = Slurm();
        var request = new JobRequest(SessionId.New(), "birthright", "", 1, Walltime.Parse("5")!.Value, taken);

        var submitted = await slurm.SubmitAsync(Actor, request, CancellationToken.None);
        try
        {
            var jupyter = await WaitForJupyterAsync(slurm, submitted.Value, request.Session);

            Assert.NotEqual(taken, jupyter.Port);
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false });
            var status = await http.GetAsync(new Uri($"http://{_cluster.NodeAddress}:{jupyter.Port}/api/status?token={jupyter.Token}"));
            Assert.True(status.IsSuccessStatusCode);
        }
        finally
        {
            await slurm.CancelAsync(Actor, submitted.Value, CancellationToken.None);
        }
    }

    private async Task<JupyterEndpoint> WaitForJupyterAsync(SlurmCluster slurm, SlurmJobId job, SessionId session)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var snapshot = (await slurm.GetJobAsync(Actor, job, session, CancellationToken.None)).Value!;
            if (snapshot.Jupyter is { } jupyter) return jupyter;
            await Task.Delay(500);
        }

        throw new TimeoutException($"JupyterLab of job {job} did not answer within 60 s");
    }

    [Fact]
    public async Task ASubmittedJob_IsFoundBySession_StartsJupyter_AndIsGoneAfterCancel()
    {
        var slurm = Slurm();
        var request = new JobRequest(SessionId.New(), "birthright", "", 1, Walltime.Parse("5")!.Value, Random.Shared.Next(20000, 60000));

        var submitted = await slurm.SubmitAsync(Actor, request, CancellationToken.None);
        Assert.True(submitted.Succeeded, submitted.Problem?.Message);
        var found = await slurm.FindJobAsync(Actor, request.Session, CancellationToken.None);
        Assert.Equal(submitted.Value, found.Value);

        JobSnapshot snapshot;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(500);
            snapshot = (await slurm.GetJobAsync(Actor, submitted.Value, request.Session, CancellationToken.None)).Value!;
        }
        while (snapshot.Jupyter is null && DateTime.UtcNow < deadline);

        Assert.Equal(JobPhase.Running, snapshot.Phase);
        Assert.NotNull(snapshot.Jupyter);
        Assert.Equal(_cluster.Node, snapshot.Jupyter.Node);
        // No cookies: Jupyter answers a tokened request with a login cookie, which would let the anonymous check pass.
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false });
        var status = await http.GetAsync(new Uri($"http://{_cluster.NodeAddress}:{snapshot.Jupyter.Port}/api/status?token={snapshot.Jupyter.Token}"));
        Assert.True(status.IsSuccessStatusCode);
        var anonymous = await http.GetAsync(new Uri($"http://{_cluster.NodeAddress}:{snapshot.Jupyter.Port}/api/status"));
        Assert.False(anonymous.IsSuccessStatusCode);

        var cancelled = await slurm.CancelAsync(Actor, submitted.Value, CancellationToken.None);
        Assert.True(cancelled.Succeeded);
        // scancel answers before Slurm has ended the job: look until it has, within a deadline.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JobSnapshot after;
        do
        {
            after = (await slurm.GetJobAsync(Actor, submitted.Value, request.Session, CancellationToken.None)).Value!;
            if (after.Phase is JobPhase.Cancelled or JobPhase.Gone) break;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < until);

        Assert.True(after.Phase is JobPhase.Cancelled or JobPhase.Gone, after.RawState);
        Assert.Null(after.Jupyter);
        var again = await slurm.CancelAsync(Actor, submitted.Value, CancellationToken.None);
        Assert.True(again.Succeeded, "cancelling a job that is already gone counts as done");
    }
}
