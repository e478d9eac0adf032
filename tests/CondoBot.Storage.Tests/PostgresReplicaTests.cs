using System.Xml.Linq;
using CondoBot.Core.Notices;
using CondoBot.Storage.Postgres;
using CondoBot.Storage.Tests.Rigs;
using Npgsql;

namespace CondoBot.Storage.Tests;

/// <summary>What only the shared database must guarantee: several replicas, one outbox, one key ring, one schema.</summary>
public sealed class PostgresReplicaTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly PostgresRig _rig = new();

    public void Dispose() => _rig.Dispose();

    private static string Text(PendingNotice pending) => ((TextNotice)pending.Notice).Text;

    [Fact]
    public async Task TwoReplicas_AreNeverHandedTheSameNotice()
    {
        var a = _rig.Replica("a");
        var b = _rig.Replica("b");
        for (var i = 0; i < 30; i++) await a.AddAsync(new TextNotice(new("console", "user" + (i % 10)), "n" + i), None);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            var replica = i % 2 == 0 ? a : b;
            return (replica, pending: await replica.DueAsync(_rig.Time.GetUtcNow(), 100, None));
        }));

        // A replica may be handed its own claims again (it owns them); never the other's.
        var byA = claims.Where(c => c.replica == a).SelectMany(c => c.pending).Select(p => p.Sequence).ToHashSet();
        var byB = claims.Where(c => c.replica == b).SelectMany(c => c.pending).Select(p => p.Sequence).ToHashSet();
        Assert.Empty(byA.Intersect(byB));
        Assert.Equal(30, byA.Count + byB.Count);
    }

    [Fact]
    public async Task APersonsLaterNotice_WaitsWhileAnotherReplicaHoldsTheirEarlierOne()
    {
        var a = _rig.Replica("a");
        var b = _rig.Replica("b");
        await a.AddAsync(new TextNotice(Samples.Alice, "ready"), None);
        await a.AddAsync(new TextNotice(Samples.Bob, "hello"), None);

        var claimed = await a.DueAsync(_rig.Time.GetUtcNow(), 100, None);
        Assert.Equal(["ready", "hello"], claimed.Select(Text));
        await a.AddAsync(new TextNotice(Samples.Alice, "ended"), None);

        Assert.Empty(await b.DueAsync(_rig.Time.GetUtcNow(), 100, None));
        await a.CompleteAsync(claimed[0].Sequence, None);
        Assert.Equal(["ended"], (await b.DueAsync(_rig.Time.GetUtcNow(), 100, None)).Where(p => p.Notice.To == Samples.Alice).Select(Text));
    }

    [Fact]
    public async Task ANoticeHeldByAReplicaThatDied_GoesToAnotherOnceTheLeaseRunsOut()
    {
        var dead = _rig.Replica("dead", TimeSpan.FromSeconds(30));
        var alive = _rig.Replica("alive", TimeSpan.FromSeconds(30));
        await dead.AddAsync(new TextNotice(Samples.Alice, "ready"), None);
        Assert.Single(await dead.DueAsync(_rig.Time.GetUtcNow(), 100, None));

        _rig.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await alive.DueAsync(_rig.Time.GetUtcNow(), 100, None));
        _rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["ready"], (await alive.DueAsync(_rig.Time.GetUtcNow(), 100, None)).Select(Text));
    }

    [Fact]
    public async Task APostponedNotice_IsReleased_SoAnyReplicaMayRetryIt()
    {
        var a = _rig.Replica("a");
        var b = _rig.Replica("b");
        await a.AddAsync(new TextNotice(Samples.Alice, "retry me"), None);
        var pending = Assert.Single(await a.DueAsync(_rig.Time.GetUtcNow(), 100, None));

        await a.PostponeAsync(pending.Sequence, _rig.Time.GetUtcNow().AddSeconds(5), None);
        _rig.Time.Advance(TimeSpan.FromSeconds(5));

        var retried = Assert.Single(await b.DueAsync(_rig.Time.GetUtcNow(), 100, None));
        Assert.Equal(1, retried.Attempts);
    }

    [Fact]
    public void TheKeyRing_StoredByOneReplica_IsReadByAnother()
    {
        var key = new XElement("key", new XAttribute("id", Guid.NewGuid()), new XElement("secret", "sealed"));
        new PostgresXmlRepository(_rig.Database).StoreElement(key, "key-1");

        using var other = new PostgresDatabase(_rig.ConnectionString);
        var read = Assert.Single(new PostgresXmlRepository(other).GetAllElements());
        Assert.Equal(key.ToString(), read.ToString());
    }

    [Fact]
    public void ReplicasStartingTogether_MigrateTheSchemaOnce()
    {
        Parallel.For(0, 4, _ => new PostgresDatabase(_rig.ConnectionString).Dispose());

        Assert.Equal(PostgresSchema.LatestVersion, Scalar("SELECT COUNT(*) FROM condobot.schema_version"));
    }

    [Fact]
    public void Starting_Refuses_ADatabaseMigratedByANewerBuild()
    {
        Scalar($"INSERT INTO condobot.schema_version (version) VALUES ({PostgresSchema.LatestVersion + 1}) RETURNING version");

        var refused = Assert.Throws<InvalidOperationException>(() => new PostgresDatabase(_rig.ConnectionString));
        Assert.Contains("newer", refused.Message, StringComparison.Ordinal);
    }

    private long Scalar(string sql)
    {
        using var connection = new NpgsqlConnection(_rig.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
