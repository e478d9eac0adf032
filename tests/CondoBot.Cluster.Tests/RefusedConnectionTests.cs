using CondoBot.Cluster.Keys;
using CondoBot.Cluster.Ssh;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Diagnostics;
using CondoBot.Core.Identity;
using CondoBot.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// A login node that refuses TCP connections (down, its port closed) is taken to be down for a second: commands meanwhile
/// get the same answer without connecting again, and after the pause the next command tries for real.
/// </summary>
public sealed class RefusedConnectionTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CondoBotMetrics _metrics = new();
    private readonly CounterRecorder _counters;
    private readonly SshConnectionPool _pool;
    private readonly SshRunner _runner;
    private readonly KeyVault _vault;
    private readonly Actor _actor = new(new ChatUserId("test", "down"), new ClusterUser("condouser"), "down");

    public RefusedConnectionTests()
    {
        _counters = new CounterRecorder(_metrics);
        // Port 1 on loopback: nothing listens, so every connection is refused at once.
        var catalog = new ClusterCatalog([new ClusterProfile
        {
            Name = "down",
            LoginHost = "127.0.0.1",
            LoginPort = 1,
            HostKeySha256 = "SHA256:" + new string('A', 43),
            ExternalLoginHost = "127.0.0.1",
        }]);
        _vault = new KeyVault(new MemoryKeyStore(), new EphemeralDataProtectionProvider(), _time);
        _pool = new SshConnectionPool(Options.Create(new LoginNodeOptions()), _vault, _time);
        _runner = new SshRunner(catalog, _vault, _pool, NullLogger<SshRunner>.Instance, _metrics, _time);
    }

    public void Dispose()
    {
        _pool.Dispose();
        _counters.Dispose();
        _metrics.Dispose();
    }

    private long Attempts => _counters.Total("condobot.ssh.failures", ("cause", "unreachable"));

    [Fact]
    public async Task CommandsWithinASecondOfARefusedConnection_GetTheSameAnswerWithoutConnecting_AndTheNextOneAfterItTriesAgain()
    {
        await _vault.IssueAsync(_actor.ChatUser, _actor.Login, CancellationToken.None);

        var first = await _runner.RunAsync(_actor, "true", null, CancellationToken.None);
        var meanwhile = await _runner.RunAsync(_actor, "true", null, CancellationToken.None);
        _time.Advance(SshRunner.RefusedConnectionPause);
        var after = await _runner.RunAsync(_actor, "true", null, CancellationToken.None);

        Assert.Equal(ProblemKind.ClusterUnavailable, first.Problem?.Kind);
        Assert.Equal(first.Problem!.Message, meanwhile.Problem?.Message);
        Assert.Equal(ProblemKind.ClusterUnavailable, after.Problem?.Kind);
        Assert.Equal(2, Attempts);
    }
}
