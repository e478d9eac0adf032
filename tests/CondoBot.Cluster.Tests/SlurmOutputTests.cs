using CondoBot.Cluster.Slurm;
using CondoBot.Core;
using CondoBot.Core.Clusters;

namespace CondoBot.Cluster.Tests;

/// <summary>The parsers, on output recorded from Slurm 22.05 on the local cluster.</summary>
public class SlurmOutputTests
{
    private static readonly SessionId Session = SessionId.TryParse("0123456789abcdef0123456789abcdef", out var id) ? id : default;

    [Theory]
    [InlineData("1\n", 1L)]
    [InlineData("4242;condo\n", 4242L)]
    [InlineData("  17  \n", 17L)]
    public void ParseSubmitted_ReadsTheJobId_WithOrWithoutAFederationCluster(string stdout, long id)
    {
        Assert.Equal(new SlurmJobId(id), SlurmOutput.ParseSubmitted(stdout));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Submitted batch job 12\n")]
    [InlineData("abc;condo")]
    public void ParseSubmitted_AnswersNull_ForAnythingElse(string stdout)
    {
        Assert.Null(SlurmOutput.ParseSubmitted(stdout));
    }

    [Theory]
    [InlineData("sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified\n",
        "Invalid account or account/partition combination specified")]
    [InlineData("sbatch: error: Batch job submission failed: Requested time limit is invalid (missing or exceeds some limit)\n",
        "Requested time limit is invalid (missing or exceeds some limit)")]
    [InlineData("sbatch: error: invalid partition specified: nope\nsbatch: error: Batch job submission failed: Invalid partition name specified\n",
        "Invalid partition name specified")]
    [InlineData("sbatch: error: Batch job submission failed: Node count specification invalid\n", "Node count specification invalid")]
    [InlineData("scancel: error: Kill job error on job id 1: Access/permission denied\n", "Kill job error on job id 1: Access/permission denied")]
    [InlineData("", "fallback")]
    public void ErrorReason_KeepsSlurmsOwnWords_WithoutTheToolsPrefixes(string stderr, string reason)
    {
        Assert.Equal(reason, SlurmOutput.ErrorReason(stderr, "fallback"));
    }

    [Fact]
    public void FindBySession_MatchesOnlyTheExactComment()
    {
        var stdout = $"7|condobot:{Session}x\n8|\n9|condobot:{Session}\n10|(null)\n";

        Assert.Equal(new SlurmJobId(9), SlurmOutput.FindBySession(stdout, Session));
        Assert.Null(SlurmOutput.FindBySession("1|condobot:abc\n", Session));
    }

    [Fact]
    public void ParsePoll_ReadsAPendingJob_WithItsReasonAndExpectedStartInTheClustersTimeZone()
    {
        var job = SlurmOutput.ParsePoll($"2|PENDING||5:00|2026-11-29T16:40:00|Resources\n{SlurmCommands.PollMarker} 0 -0500\n", new SlurmJobId(2));

        Assert.Equal(new DateTimeOffset(2026, 11, 29, 21, 40, 0, TimeSpan.Zero), job.ExpectedStart);
        Assert.Equal("Resources", job.PendingReason);
    }

    [Fact]
    public void ParsePoll_ReadsAPendingJob_WithItsReason()
    {
        var job = SlurmOutput.ParsePoll($"2|PENDING||5:00|N/A|Resources\n{SlurmCommands.PollMarker} 0 +0000\n", new SlurmJobId(2));

        Assert.Equal(JobPhase.Pending, job.Phase);
        Assert.Null(job.Node);
        Assert.Equal("Resources", job.PendingReason);
        Assert.Equal(TimeSpan.FromMinutes(5), job.TimeLeft);
        Assert.Null(job.Jupyter);
        Assert.Null(job.ExpectedStart);
    }

    [Fact]
    public void ParseIdlePartitions_CountsIdleNodesOfAvailablePartitions()
    {
        var stdout = "debug*|up|idle|1|12:00:00\nshort|up|idle|3|10:00\nshort|up|mix|2|10:00\ngpu|down|idle|4|1-00:00:00\nbig|up|alloc|9|2-00:00:00\n";

        Assert.Equal(
            [new IdlePartition("debug", 1, TimeSpan.FromHours(12)), new IdlePartition("short", 3, TimeSpan.FromMinutes(10))],
            SlurmOutput.ParseIdlePartitions(stdout));
    }

    [Fact]
    public void ParsePartitions_CountsEachAvailablePartitionsNodes_AndThoseIdle_AndMarksTheDefault()
    {
        var stdout = "batch*|up|idle|3|2-00:00:00\nbatch*|up|mix|2|2-00:00:00\nbatch*|up|alloc|2|2-00:00:00\nbatch*|up|idle~|1|2-00:00:00\n"
            + "short|up|alloc|1|10:00\ngpu|down|idle|4|1-00:00:00\nlong|up|idle*|2|infinite\n";

        Assert.Equal(
            [new ClusterPartition("batch", 3, 8, TimeSpan.FromDays(2), true), new ClusterPartition("short", 0, 1, TimeSpan.FromMinutes(10), false), new ClusterPartition("long", 0, 2, null, false)],
            SlurmOutput.ParsePartitions(stdout));
    }

    [Fact]
    public void ParsePoll_ReadsARunningJob_AndItsConnectionFile()
    {
        var stdout = $"4|RUNNING|node001|29:46|2026-11-29T16:01:37|None\n{SlurmCommands.PollMarker} 0 +0000\nnode=node001\nport=34457\ntoken=47234513db069d5bae3f0e21a32af967577649c682f297ff\nready=1764432098\n";

        var job = SlurmOutput.ParsePoll(stdout, new SlurmJobId(4));

        Assert.Equal(JobPhase.Running, job.Phase);
        Assert.Equal("node001", job.Node);
        Assert.Null(job.PendingReason);
        Assert.Equal(new TimeSpan(0, 29, 46), job.TimeLeft);
        Assert.Equal(new JupyterEndpoint("node001", 34457, "47234513db069d5bae3f0e21a32af967577649c682f297ff"), job.Jupyter);
    }

    [Fact]
    public void ParsePoll_RunningWithoutAConnectionFile_IsNotReadyYet()
    {
        var job = SlurmOutput.ParsePoll($"1|RUNNING|node001|4:53|2026-11-29T16:01:37|None\n{SlurmCommands.PollMarker} 0 +0000\n", new SlurmJobId(1));

        Assert.Equal(JobPhase.Running, job.Phase);
        Assert.Null(job.Jupyter);
    }

    [Theory]
    [InlineData("1|CANCELLED|node001|4:53|2026-11-29T16:01:37|None", JobPhase.Cancelled)]
    [InlineData("1|TIMEOUT|node001|INVALID|2026-11-29T16:01:37|TimeLimit", JobPhase.TimedOut)]
    [InlineData("1|COMPLETED|node001|0:00|2026-11-29T16:01:37|None", JobPhase.Completed)]
    [InlineData("1|FAILED|node001|0:00|2026-11-29T16:01:37|NonZeroExitCode", JobPhase.Failed)]
    [InlineData("1|NODE_FAIL|node001|0:00|2026-11-29T16:01:37|None", JobPhase.NodeFailed)]
    [InlineData("1|OUT_OF_MEMORY|node001|0:00|2026-11-29T16:01:37|None", JobPhase.OutOfMemory)]
    [InlineData("1|COMPLETING|node001|0:00|2026-11-29T16:01:37|None", JobPhase.Ending)]
    [InlineData("1|PENDING||5:00|N/A|DependencyNeverSatisfied", JobPhase.Pending)]
    [InlineData("1|HIBERNATING|node001|4:53|2026-11-29T16:01:37|None", JobPhase.Unknown)]
    public void ParsePoll_FoldsSlurmStatesIntoPhases_KeepingTheRawState(string line, JobPhase phase)
    {
        var job = SlurmOutput.ParsePoll($"{line}\n{SlurmCommands.PollMarker} 0\n", new SlurmJobId(1));

        Assert.Equal(phase, job.Phase);
        Assert.Equal(line.Split('|')[1], job.RawState);
    }

    [Fact]
    public void ParsePoll_APurgedJob_IsGone()
    {
        // squeue's answer once MinJobAge has passed: nothing on stdout, "Invalid job id specified" on stderr, exit 1.
        var job = SlurmOutput.ParsePoll($"{SlurmCommands.PollMarker} 1\n", new SlurmJobId(3));

        Assert.Equal(JobPhase.Gone, job.Phase);
    }

    [Fact]
    public void ParsePoll_ReadsAJupyterLabOnAUnixSocket_WithNoPort()
    {
        var stdout = $"4|RUNNING|tnode01|29:46|2026-11-29T16:01:37|None\n{SlurmCommands.PollMarker} 0 +0000\nnode=tnode01\nsocket=/tmp/condobot-0123abcd.x1Y2z3/jupyter.sock\ntoken=47234513db069d5bae3f0e21a32af967\nready=1764432098\n";

        var job = SlurmOutput.ParsePoll(stdout, new SlurmJobId(4));

        Assert.Equal(JupyterEndpoint.OnSocket("tnode01", "/tmp/condobot-0123abcd.x1Y2z3/jupyter.sock", "47234513db069d5bae3f0e21a32af967"), job.Jupyter);
        Assert.Null(job.Jupyter!.Port);
    }

    [Theory]
    [InlineData("node=node001\nport=1\n")]
    [InlineData("node=node001\nsocket=tmp/relative.sock\ntoken=0123456789abcdef\n")]
    [InlineData("node=node001\nsocket=/tmp/a:b.sock\ntoken=0123456789abcdef\n")]
    [InlineData("node=node001\nsocket=/tmp/../home/x.sock\ntoken=0123456789abcdef\n")]
    [InlineData("node=node001\nsocket=/tmp/$(id).sock\ntoken=0123456789abcdef\n")]
    [InlineData("node=node001\nsocket=/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock\ntoken=0123456789abcdef\n")]
    [InlineData("node=node001\nport=abc\ntoken=0123456789abcdef\n")]
    [InlineData("node=node001;rm -rf ~\nport=8888\ntoken=0123456789abcdef\n")]
    [InlineData("node=node001\nport=8888\ntoken=$(id)0123456789abcdef\n")]
    [InlineData("node=node001\nport=8888\ntoken=short\n")]
    public void ParseConnectionFile_RefusesIncompleteOrOddFiles(string text)
    {
        Assert.Null(SlurmOutput.ParseConnectionFile(text));
    }

    [Theory]
    [InlineData("1:59:59", 0, 1, 59, 59)]
    [InlineData("4:53", 0, 0, 4, 53)]
    [InlineData("1-00:00:00", 1, 0, 0, 0)]
    [InlineData("2-03:04:05", 2, 3, 4, 5)]
    public void ParseTimeLeft_ReadsSqueuesForms(string text, int d, int h, int m, int s)
    {
        Assert.Equal(new TimeSpan(d, h, m, s), SlurmOutput.ParseTimeLeft(text));
    }

    [Theory]
    [InlineData("INVALID")]
    [InlineData("UNLIMITED")]
    [InlineData("NOT_SET")]
    [InlineData("")]
    public void ParseTimeLeft_AnswersNull_ForWords(string text)
    {
        Assert.Null(SlurmOutput.ParseTimeLeft(text));
    }

    [Fact]
    public void ParseBoard_ReadsEveryListedJob_AndGivesEachSessionOnlyItsOwnConnectionFile()
    {
        var pending = SessionId.TryParse("fedcba9876543210fedcba9876543210", out var id) ? id : default;
        var stdout = "311|RUNNING|node001|9:52|2026-11-29T19:10:02|None\n"
            + "312|PENDING||10:00|2026-11-29T19:20:00|Resources\n"
            + "279|CANCELLED|node001|9:57|2026-11-29T18:51:25|None\n"
            + $"{SlurmCommands.PollMarker} 0 +0000\n"
            + ".condobot/0123456789abcdef0123456789abcdef.conn:node=node001\n"
            + ".condobot/0123456789abcdef0123456789abcdef.conn:port=34457\n"
            + ".condobot/0123456789abcdef0123456789abcdef.conn:token=47234513db069d5bae3f0e21a32af967577649c682f297ff\n"
            + ".condobot/0123456789abcdef0123456789abcdef.conn:ready=1764432098\n";

        var board = SlurmOutput.ParseBoard(stdout)!;

        Assert.Equal(0, board.SqueueExit);
        var running = board.Find(new SlurmJobId(311), Session)!;
        Assert.Equal(JobPhase.Running, running.Phase);
        Assert.Equal(new JupyterEndpoint("node001", 34457, "47234513db069d5bae3f0e21a32af967577649c682f297ff"), running.Jupyter);
        var queued = board.Find(new SlurmJobId(312), pending)!;
        Assert.Equal(JobPhase.Pending, queued.Phase);
        Assert.Equal("Resources", queued.PendingReason);
        Assert.Null(queued.Jupyter);
        Assert.Equal(JobPhase.Cancelled, board.Find(new SlurmJobId(279), pending)!.Phase);
        Assert.Null(board.Find(new SlurmJobId(313), pending));
    }

    [Fact]
    public void ParseBoard_AnotherJobsConnectionFile_NeverMakesAJobReady()
    {
        var other = SessionId.TryParse("fedcba9876543210fedcba9876543210", out var id) ? id : default;
        var stdout = $"311|RUNNING|node001|9:52|N/A|None\n{SlurmCommands.PollMarker} 0 +0000\n"
            + ".condobot/0123456789abcdef0123456789abcdef.conn:node=node001\n"
            + ".condobot/0123456789abcdef0123456789abcdef.conn:port=34457\n"
            + ".condobot/0123456789abcdef0123456789abcdef.conn:token=47234513db069d5bae3f0e21a32af967577649c682f297ff\n";

        Assert.Null(SlurmOutput.ParseBoard(stdout)!.Find(new SlurmJobId(311), other)!.Jupyter);
    }

    [Theory]
    [InlineData("slurm_load_jobs error: Unable to contact slurm controller\n")]
    [InlineData("")]
    public void ParseBoard_WithoutTheMarker_IsNoAnswer(string stdout)
    {
        Assert.Null(SlurmOutput.ParseBoard(stdout));
    }

    [Fact]
    public void ParseBoard_KeepsSqueuesFailure_SoItIsNotReadAsAnEmptyList()
    {
        Assert.Equal(1, SlurmOutput.ParseBoard($"{SlurmCommands.PollMarker} 1 +0000\n")!.SqueueExit);
    }
}
