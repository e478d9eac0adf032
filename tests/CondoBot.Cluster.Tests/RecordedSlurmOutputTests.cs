using CondoBot.Cluster.Slurm;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Notices;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// The parsers on output recorded from the local site's two real clusters (Slurm 22.05 on Debian 12, Slurm 24.11 on
/// Debian 13) by <c>Recorded/record.sh</c>: the same scenario on both, read the same way.
/// </summary>
public sealed class RecordedSlurmOutputTests
{
    public static TheoryData<string> Versions => ["22.05", "24.11"];

    private static string Recorded(string version, string file) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", "slurm-" + version, file));

    private static Dictionary<string, SlurmJobId> Jobs(string version) => Recorded(version, "jobs.txt")
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split('='))
        .ToDictionary(kv => kv[0], kv => new SlurmJobId(long.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture)));

    private static string NodeOf(string version) => version == "22.05" ? "node001" : "tnode01";

    [Theory]
    [MemberData(nameof(Versions))]
    public void TheRecordingsAreOfTheVersionTheyAreNamedFor(string version) =>
        Assert.StartsWith("slurm-wlm " + version + ".", Recorded(version, "version.out"), StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Versions))]
    public void SbatchParsable_GivesTheJobId(string version) =>
        Assert.Equal(Jobs(version)["running"], SlurmOutput.ParseSubmitted(Recorded(version, "sbatch-parsable.out")));

    [Theory]
    [InlineData("22.05", "sbatch-invalid-account.err", "Invalid account or account/partition combination specified")]
    [InlineData("24.11", "sbatch-invalid-account.err", "Invalid account or account/partition combination specified")]
    [InlineData("22.05", "sbatch-time-limit.err", "Requested time limit is invalid (missing or exceeds some limit)")]
    [InlineData("24.11", "sbatch-time-limit.err", "Requested time limit is invalid (missing or exceeds some limit)")]
    [InlineData("22.05", "sbatch-invalid-partition.err", "Invalid partition name specified")]
    [InlineData("24.11", "sbatch-invalid-partition.err", "Invalid partition name specified")]
    [InlineData("22.05", "scancel-other-user.err", "Kill job error on job id {running}: Access/permission denied")]
    [InlineData("24.11", "scancel-other-user.err", "Kill job error on job id {running}: Access/permission denied")]
    public void ARefusal_ComesBackInSlurmsOwnWords(string version, string file, string expected) =>
        Assert.Equal(expected.Replace("{running}", Jobs(version)["running"].ToString(), StringComparison.Ordinal),
            SlurmOutput.ErrorReason(Recorded(version, file), "fallback"));

    [Theory]
    [MemberData(nameof(Versions))]
    public void TheBoard_ReadsEveryStateOfTheScenario(string version)
    {
        var board = SlurmOutput.ParseBoard(Recorded(version, "board.out"))!;
        var jobs = Jobs(version);
        JobSnapshot Job(string name) => board.Find(jobs[name], SessionId.New())!;

        Assert.Equal(0, board.SqueueExit);
        Assert.Equal(7, board.Lines.Count);
        var running = Job("running");
        Assert.Equal((JobPhase.Running, NodeOf(version), TimeSpan.Parse("0:04:52", System.Globalization.CultureInfo.InvariantCulture)), (running.Phase, running.Node, running.TimeLeft!.Value));
        Assert.Null(running.Jupyter);
        Assert.Equal((JobPhase.Pending, "BeginTime", "waiting for its start time"), (Job("begin").Phase, Job("begin").PendingReason, PendingReasons.Explain(Job("begin").PendingReason)));
        Assert.NotNull(Job("begin").ExpectedStart);
        Assert.Equal((JobPhase.Pending, "JobHeldUser", "held by you"), (Job("held").Phase, Job("held").PendingReason, PendingReasons.Explain(Job("held").PendingReason)));
        Assert.Null(Job("held").ExpectedStart);
        Assert.Equal((JobPhase.Pending, "Dependency"), (Job("dependency").Phase, Job("dependency").PendingReason));
        Assert.Null(Job("dependency").Node);
        Assert.Equal(JobPhase.Completed, Job("completed").Phase);
        Assert.Equal(JobPhase.Failed, Job("failed").Phase);
        Assert.Equal(JobPhase.Cancelled, Job("cancelled").Phase);
        Assert.All(new[] { "completed", "failed", "cancelled" }, name => Assert.Null(Job(name).PendingReason));
    }

    /// <summary>
    /// Where the versions differ: with the node full, 24.11's backfill gives queued jobs an expected start that
    /// <c>%S</c> prints, where 22.05 printed <c>N/A</c>; and a job whose output file could not be opened ends FAILED
    /// with a signal as its reason.
    /// </summary>
    [Theory]
    [InlineData("22.05", 30, false)]
    [InlineData("24.11", 1000031, true)]
    public void AJobWaitingForResources_HasAnExpectedStart_WhenSlurmPrintsOne(string version, long waiting, bool hasStart)
    {
        var board = SlurmOutput.ParseBoard(Recorded(version, "board-queue.out"))!;
        var job = board.Find(new SlurmJobId(waiting), SessionId.New())!;

        Assert.Equal((JobPhase.Pending, "Resources", "waiting for free nodes"), (job.Phase, job.PendingReason, PendingReasons.Explain(job.PendingReason)));
        Assert.Equal(hasStart, job.ExpectedStart is not null);
        Assert.All(board.Lines.Keys.Select(id => board.Find(id, SessionId.New())!).Where(j => j.Phase == JobPhase.Pending),
            j => Assert.Equal(hasStart, j.ExpectedStart is not null));
    }

    [Fact]
    public void AFailedJob_WithASignalAsItsReason_IsFailed_AndHasNoPendingReason()
    {
        var board = SlurmOutput.ParseBoard(Recorded("24.11", "board-queue.out"))!;
        var failed = board.Find(new SlurmJobId(1000023), SessionId.New())!;

        Assert.Equal((JobPhase.Failed, "FAILED", "tnode01", (string?)null), (failed.Phase, failed.RawState, failed.Node, failed.PendingReason));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void APurgedJob_IsGone(string version)
    {
        Assert.Equal("slurm_load_jobs error: Invalid job id specified", Recorded(version, "poll-purged.err").Trim());
        Assert.Equal(JobPhase.Gone, SlurmOutput.ParsePoll(Recorded(version, "poll-purged.out"), new SlurmJobId(999999)).Phase);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void ANodeRunningAJob_IsNotCountedAsIdle(string version) =>
        Assert.Empty(SlurmOutput.ParseIdlePartitions(Recorded(version, "sinfo.out")));

    [Theory]
    [MemberData(nameof(Versions))]
    public void BothPartitions_AreListed_WithTheDefaultMarked_AndTheirLimits(string version) =>
        Assert.Equal(
            [new ClusterPartition("debug", 0, 1, TimeSpan.FromHours(12), true), new ClusterPartition("short", 0, 1, TimeSpan.FromMinutes(10), false)],
            SlurmOutput.ParsePartitions(Recorded(version, "sinfo.out")));
}

/// <summary>Usage's raw material on both real clusters (<c>Recorded/record-times.sh</c>): Slurm's own start and end times and node count.</summary>
public sealed class RecordedJobTimesTests
{
    private static string Recorded(string version, string file) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", "slurm-" + version, file));

    private static JobSnapshot Job(string version, string name)
    {
        var id = Recorded(version, "jobs-times.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=')).Single(kv => kv[0] == name)[1];
        var board = SlurmOutput.ParseBoard(Recorded(version, "board-times.out"))!;
        return board.Find(new SlurmJobId(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)), SessionId.New())!;
    }

    [Theory]
    [InlineData("22.05")]
    [InlineData("24.11")]
    public void AnEndedJob_CarriesSlurmsStartAndEndTimes_AndItsNodeCount(string version)
    {
        var shortJob = Job(version, "short");
        var stopped = Job(version, "stopped");

        Assert.Equal((JobPhase.Completed, 1), (shortJob.Phase, shortJob.NodeCount));
        Assert.Equal(TimeSpan.FromSeconds(20), shortJob.EndTime - shortJob.StartTime);
        Assert.Equal((JobPhase.Cancelled, TimeSpan.FromSeconds(10)), (stopped.Phase, stopped.EndTime - stopped.StartTime));
    }

    [Theory]
    [InlineData("22.05")]
    [InlineData("24.11")]
    public void ARunningJob_EndsWhenItsWalltimeRunsOut_BySlurmsClock(string version)
    {
        var running = Job(version, "running");

        Assert.Equal(JobPhase.Running, running.Phase);
        Assert.Equal(TimeSpan.FromMinutes(5), running.EndTime - running.StartTime);
        Assert.Null(running.ExpectedStart);
    }

    [Theory]
    [InlineData("22.05")]
    [InlineData("24.11")]
    public void AJobCancelledInTheQueue_NeverStarted(string version)
    {
        var queued = Job(version, "queued");

        Assert.Equal((JobPhase.Cancelled, (DateTimeOffset?)null, (DateTimeOffset?)null), (queued.Phase, queued.StartTime, queued.EndTime));
    }
}
