using CondoBot.Cluster.Keys;
using CondoBot.Cluster.Slurm;
using CondoBot.Cluster.Ssh;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Identity;
using CondoBot.Testing;
using Microsoft.AspNetCore.DataProtection;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// Kept SSH connections and shared polls against the real local cluster, observed where the login node's operator
/// would: in its sshd log (connections accepted with this test's key, and the commands run on them).
/// </summary>
public sealed class ConnectionPoolTests : IAsyncLifetime
{
    private const string Login = "condouser2";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly MemoryKeyStore _store = new();
    private readonly IDataProtectionProvider _protection = new EphemeralDataProtectionProvider();
    private readonly KeyVault _vault;
    private readonly ChatUserId _user = new("test", "pool-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<SlurmOverSsh> _rigs = [];
    private UserLink _link = null!;

    public ConnectionPoolTests() => _vault = new KeyVault(_store, _protection, TimeProvider.System);

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

    /// <summary>Who the login node says we are: a command that changes nothing.</summary>
    private async Task<Result<string>> WhoAmIAsync(SlurmOverSsh rig)
    {
        var run = await rig.Ssh.RunAsync(Actor, SlurmCommands.Identity, null, CancellationToken.None);
        return run.Succeeded ? run.Value.Stdout.Trim() : run.Problem;
    }

    private SlurmOverSsh Rig(LoginNodeOptions? options = null)
    {
        var rig = new SlurmOverSsh(_cluster.Profile(), _vault, options);
        _rigs.Add(rig);
        return rig;
    }

    [Fact]
    public async Task ManyCommandsInARow_RideOnOneConnection()
    {
        var rig = Rig();
        var log = SshdLog.Mark(_link.PublicKey);

        for (var i = 0; i < 12; i++) Assert.Equal(Login, (await WhoAmIAsync(rig)).Value);

        await log.WaitForCommandsAsync(12);
        Assert.Single(log.Connections());
        Assert.Equal(12, log.Commands());
    }

    [Fact]
    public async Task ManyCommandsAtOnce_OpenNoMoreConnectionsThanTheBound()
    {
        var rig = Rig(new LoginNodeOptions { ConnectionsPerLogin = 2, ChannelsPerConnection = 4 });
        var log = SshdLog.Mark(_link.PublicKey);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => WhoAmIAsync(rig)));

        Assert.All(results, r => Assert.Equal(Login, r.Value));
        await log.WaitForCommandsAsync(20);
        Assert.InRange(log.Connections().Count, 1, 2);
        Assert.Equal(20, log.Commands());
    }

    [Fact]
    public async Task PollsOfOneLoginsFourJobs_RunOneSqueuePerRound_OnOneConnection()
    {
        var rig = Rig();
        var log = SshdLog.Mark(_link.PublicKey);
        var jobs = new List<(SlurmJobId Job, SessionId Session)>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var request = new JobRequest(SessionId.New(), "ccsd", "", 1, Walltime.Parse("5")!.Value, Random.Shared.Next(20000, 60000));
                var submitted = await rig.Slurm.SubmitAsync(Actor, request, CancellationToken.None);
                Assert.True(submitted.Succeeded, submitted.Problem?.Message);
                jobs.Add((submitted.Value, request.Session));
            }

            foreach (var (job, session) in jobs) Assert.True((await rig.Slurm.GetJobAsync(Actor, job, session, CancellationToken.None)).Succeeded);
            await SshdLog.SettleAsync();
            var before = log.Commands();

            const int rounds = 5;
            for (var round = 0; round < rounds; round++)
            {
                var answers = await Task.WhenAll(jobs.Select(j => rig.Slurm.GetJobAsync(Actor, j.Job, j.Session, CancellationToken.None)));
                Assert.All(answers, a => Assert.True(a.Succeeded && a.Value.Phase is JobPhase.Pending or JobPhase.Running, a.Problem?.Message ?? a.Value.RawState));
                await Task.Delay(300);
            }

            await log.WaitForCommandsAsync(before + rounds);
            Assert.Equal(rounds, log.Commands() - before);
            Assert.Single(log.Connections());
        }
        finally
        {
            foreach (var (job, _) in jobs) await rig.Slurm.CancelAsync(Actor, job, CancellationToken.None);
        }
    }

    [Fact]
    public async Task AKeptConnectionKilledOnTheLoginNode_IsReopened_WithoutTheCallerNoticing()
    {
        var rig = Rig();
        var log = SshdLog.Mark(_link.PublicKey);
        Assert.True((await WhoAmIAsync(rig)).Succeeded);

        for (var kill = 1; kill <= 3; kill++)
        {
            await log.WaitForConnectionsAsync(kill);
            SshdLog.KillConnection(log.Connections()[^1]);
            if (kill == 2) await Task.Delay(1000); // once the client has surely seen it close; the others race it

            var again = await WhoAmIAsync(rig);

            Assert.True(again.Succeeded, again.Problem?.Message);
            Assert.Equal(Login, again.Value);
        }

        await log.WaitForConnectionsAsync(4);
        Assert.Equal(4, log.Connections().Count);
    }

    [Fact]
    public async Task ARevokedKey_ClosesItsKeptConnection_AndDoesNothingMore()
    {
        var rig = Rig();
        var log = SshdLog.Mark(_link.PublicKey);
        Assert.True((await WhoAmIAsync(rig)).Succeeded);
        Assert.Equal(1, rig.Pool.OpenConnections(_user));

        await _vault.RevokeAsync(_user, CancellationToken.None);

        await WaitUntilAsync(() => rig.Pool.OpenConnections(_user) == 0 && log.Disconnected(log.Connections()[0]));
        var after = await rig.Slurm.CheckLoginAsync(Actor, CancellationToken.None);
        Assert.Equal(ProblemKind.NotAuthorized, after.Problem?.Kind);
        // sshd logs a command before running it, so one this refusal had sent would be in the log by now.
        await log.WaitForCommandsAsync(1);
        Assert.Equal(1, log.Commands());
    }

    [Fact]
    public async Task AKeyReplacedElsewhere_IsNeverServedByTheOldKeysConnection()
    {
        var rig = Rig();
        var log = SshdLog.Mark(_link.PublicKey);
        Assert.True((await WhoAmIAsync(rig)).Succeeded);
        // Another replica of the service (same store and key ring, its own process): this one hears nothing of it.
        var elsewhere = new KeyVault(_store, _protection, TimeProvider.System);

        await elsewhere.IssueAsync(_user, new ClusterUser(Login), CancellationToken.None);
        var after = await WhoAmIAsync(rig);

        Assert.Equal(ProblemKind.NotAuthorized, after.Problem?.Kind);
        Assert.Contains("refused my key", after.Problem!.Message, StringComparison.Ordinal);
        await WaitUntilAsync(() => log.Disconnected(log.Connections()[0]));
        Assert.Equal(1, log.Commands());
    }

    [Fact]
    public async Task KeyCheck_LogsInAnew_RatherThanTrustAKeptConnection()
    {
        var rig = Rig();
        var log = SshdLog.Mark(_link.PublicKey);
        Assert.True((await WhoAmIAsync(rig)).Succeeded);

        var check = await rig.Slurm.CheckLoginAsync(Actor, CancellationToken.None);

        Assert.Equal(Login, check.Value);
        await log.WaitForConnectionsAsync(2);
        Assert.Equal(2, log.Connections().Count);
        await WaitUntilAsync(() => log.Disconnected(log.Connections()[0]));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met within 10 s");
            await Task.Delay(100);
        }
    }
}
