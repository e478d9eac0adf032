using CondoBot.Core.Audit;
using CondoBot.Core.Clusters;
using CondoBot.Core.Tests.Fakes;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

/// <summary>What the audit trail says about commands and about what the bot does on a user's behalf.</summary>
public sealed class AuditTrailTests
{
    private readonly CoreRig _rig = new();

    private IReadOnlyList<AuditEntry> Trail => _rig.Audit.Entries;

    [Fact]
    public async Task AStartedAndStoppedSession_LeavesTheCommands_TheKey_Sbatch_AndScancel_WithLoginClusterAndJob()
    {
        await _rig.SayAsync(Alice, "key alice");
        await _rig.SayAsync(Alice, "start -A cnms -t 2:00:00 --partition batch");
        var id = _rig.Work.Steps.Last(s => s.Step == "submit").Session!.Value;
        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);
        await _rig.SayAsync(Alice, "stop");
        await _rig.Workflow.CancelAsync(id, CancellationToken.None);

        Assert.Equal(["key created", "key link", "start", "sbatch", "stop", "scancel"], Trail.Select(e => e.Action));
        Assert.All(Trail, e => Assert.Equal(Alice, e.User));
        Assert.All(Trail, e => Assert.Equal(AuditOutcome.Ok, e.Outcome));
        Assert.All(Trail, e => Assert.Equal(new ClusterUser("alice"), e.Login));
        Assert.All(Trail, e => Assert.Equal("condo", e.Cluster));
        Assert.All(Trail, e => Assert.Equal(_rig.Time.GetUtcNow(), e.At));
        Assert.Equal("start -A cnms -n 1 -t 02:00:00 --partition batch", Trail[2].Detail);
        Assert.Equal("key alice", Trail[1].Detail);
        Assert.Equal(new SlurmJobId(1001), Trail[3].JobId);
        Assert.Equal(id, Trail[3].Session);
        Assert.Equal(new SlurmJobId(1001), Trail[4].JobId);
        Assert.Equal(new SlurmJobId(1001), Trail[5].JobId);
    }

    [Fact]
    public async Task AnUnparsableCommand_IsRecordedAsRefused_WithItsVerbAndReason_AndAShortCleanedCopyOfTheText()
    {
        var typed = "start -t 99:99:99 \u001b[31m\n" + new string('x', 500);

        await _rig.SayAsync(Alice, typed);

        var entry = Assert.Single(Trail);
        Assert.Equal("start", entry.Action);
        Assert.Equal(AuditOutcome.Refused, entry.Outcome);
        Assert.False(string.IsNullOrWhiteSpace(entry.Reason));
        Assert.True(entry.Detail!.Length <= AuditText.MaxRefusedLength, entry.Detail);
        Assert.DoesNotContain(entry.Detail, char.IsControl);
        Assert.StartsWith("start -t 99:99:99 [31m", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownVerb_IsRecordedAsUnknown()
    {
        await _rig.SayAsync(Alice, "rm -rf /");

        Assert.Equal("unknown", Assert.Single(Trail).Action);
    }

    [Fact]
    public async Task StartWithoutAKey_IsRecordedAsRefused_WithAReason()
    {
        await _rig.SayAsync(Alice, "start");

        var entry = Assert.Single(Trail);
        Assert.Equal(("start", AuditOutcome.Refused, "no linked login"), (entry.Action, entry.Outcome, entry.Reason));
    }

    [Fact]
    public async Task ASbatchThatSlurmRefuses_IsRecordedAsRefused_AndAnUnreachableLoginNodeAsFailed()
    {
        var refused = await _rig.StartLinkedAsync(Alice);
        _rig.Cluster.SubmitProblem = new Problem(ProblemKind.SlurmRejected, "Slurm refused the job: Invalid account.");
        await _rig.Workflow.SubmitAsync(refused, CancellationToken.None);
        var unreachable = await _rig.StartLinkedAsync(Bob);
        _rig.Cluster.SubmitProblem = new Problem(ProblemKind.ClusterUnavailable, "connection refused");
        await _rig.Workflow.SubmitAsync(unreachable, CancellationToken.None);

        var sbatch = Trail.Where(e => e.Action == "sbatch").ToList();
        Assert.Equal([AuditOutcome.Refused, AuditOutcome.Failed], sbatch.Select(e => e.Outcome));
        Assert.Equal([Alice, Bob], sbatch.Select(e => e.User));
        Assert.Contains("Invalid account", sbatch[0].Reason, StringComparison.Ordinal);
        Assert.All(sbatch, e => Assert.Null(e.JobId));
    }

    [Fact]
    public async Task AJobAdoptedAfterACrash_IsRecordedAsSbatch_WithTheReasonAdopted()
    {
        var id = await _rig.StartLinkedAsync(Alice);
        _rig.Cluster.Existing[id] = new SlurmJobId(777);

        await _rig.Workflow.SubmitAsync(id, CancellationToken.None);

        var sbatch = Assert.Single(Trail, e => e.Action == "sbatch");
        Assert.Equal((AuditOutcome.Ok, new SlurmJobId(777), "adopted after a restart"), (sbatch.Outcome, sbatch.JobId!.Value, sbatch.Reason));
    }

    [Fact]
    public async Task KeyRevoke_IsRecordedAsAnAction_AndNoKeyMaterialIsEverRecorded()
    {
        await _rig.SayAsync(Alice, "key alice");
        var publicKey = (await _rig.Keys.FindAsync(Alice, CancellationToken.None))!.PublicKey;
        await _rig.SayAsync(Alice, "key revoke");

        Assert.Equal(["key created", "key link", "key revoked", "key revoke"], Trail.Select(e => e.Action));
        var everything = string.Join('\n', Trail.Select(e => e.ToString()));
        Assert.DoesNotContain(publicKey.Split(' ')[1], everything, StringComparison.Ordinal);
    }
}
