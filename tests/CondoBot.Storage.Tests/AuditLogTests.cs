using CondoBot.Core;
using CondoBot.Core.Audit;
using CondoBot.Storage.Tests.Rigs;

namespace CondoBot.Storage.Tests;

/// <summary>The audit trail's store, run once per provider (the subclasses at the end).</summary>
public abstract class AuditLogTests(StoreRig rig) : StoreTests(rig)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly ChatUserId Alice = new("slack", "T1:U1");
    private static readonly ChatUserId Bob = new("teams", "b0b");

    private AuditEntry Entry(ChatUserId user, string action, TimeSpan ago = default) => new()
    {
        At = Time.GetUtcNow() - ago,
        User = user,
        Action = action,
        Outcome = AuditOutcome.Ok,
    };

    [Fact]
    public async Task AnEntry_ComesBackWhole_AfterAReopen()
    {
        var session = SessionId.New();
        await Audit.RecordAsync(new AuditEntry
        {
            At = Time.GetUtcNow(),
            User = Alice,
            Action = "sbatch",
            Outcome = AuditOutcome.Refused,
            Login = new ClusterUser("alice"),
            Cluster = "condo",
            JobId = new SlurmJobId(4242),
            Session = session,
            Detail = "start -A cnms -n 1 -t 02:00:00",
            Reason = "SlurmRejected: Invalid account",
        }, None);

        Reopen();

        var entry = Assert.Single(await Audit.ListAsync(new AuditQuery(), None));
        Assert.True(entry.Id > 0);
        Assert.Equal(Time.GetUtcNow(), entry.At);
        Assert.Equal((Alice, "sbatch", AuditOutcome.Refused), (entry.User, entry.Action, entry.Outcome));
        Assert.Equal((new ClusterUser("alice"), "condo", new SlurmJobId(4242), session), (entry.Login!.Value, entry.Cluster, entry.JobId!.Value, entry.Session!.Value));
        Assert.Equal(("start -A cnms -n 1 -t 02:00:00", "SlurmRejected: Invalid account"), (entry.Detail, entry.Reason));
    }

    [Fact]
    public async Task AnEntryWithoutOptionalFacts_ComesBackWithNulls()
    {
        await Audit.RecordAsync(Entry(Bob, "help"), None);

        var entry = Assert.Single(await Audit.ListAsync(new AuditQuery(), None));
        Assert.Equal((Bob, "help"), (entry.User, entry.Action));
        Assert.Null(entry.Login);
        Assert.Null(entry.Cluster);
        Assert.Null(entry.JobId);
        Assert.Null(entry.Session);
        Assert.Null(entry.Detail);
        Assert.Null(entry.Reason);
    }

    [Fact]
    public async Task List_IsNewestFirst_FiltersByUser_AndHonoursTheLimitAndBefore()
    {
        foreach (var (user, action) in new[] { (Alice, "start"), (Bob, "status"), (Alice, "sbatch"), (Alice, "stop"), (Bob, "help") })
        {
            await Audit.RecordAsync(Entry(user, action), None);
        }

        Assert.Equal(["help", "stop", "sbatch", "status", "start"], (await Audit.ListAsync(new AuditQuery(), None)).Select(e => e.Action));
        var alices = await Audit.ListAsync(new AuditQuery(User: Alice), None);
        Assert.Equal(["stop", "sbatch", "start"], alices.Select(e => e.Action));
        Assert.Equal(["stop", "sbatch"], (await Audit.ListAsync(new AuditQuery(User: Alice, Limit: 2), None)).Select(e => e.Action));
        Assert.Equal(["start"], (await Audit.ListAsync(new AuditQuery(User: Alice, Before: alices[1].Id), None)).Select(e => e.Action));
    }

    [Fact]
    public async Task Prune_DeletesOnlyEntriesOlderThanTheCutoff()
    {
        await Audit.RecordAsync(Entry(Alice, "old", TimeSpan.FromDays(100)), None);
        await Audit.RecordAsync(Entry(Alice, "recent", TimeSpan.FromDays(10)), None);

        Assert.Equal(1, await Audit.PruneAsync(Time.GetUtcNow() - TimeSpan.FromDays(90), None));

        Assert.Equal(["recent"], (await Audit.ListAsync(new AuditQuery(), None)).Select(e => e.Action));
    }
}

public sealed class SqliteAuditLogTests() : AuditLogTests(new SqliteRig());

public sealed class PostgresAuditLogTests() : AuditLogTests(new PostgresRig());
