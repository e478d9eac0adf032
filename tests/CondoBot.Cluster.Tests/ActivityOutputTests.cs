using CondoBot.Cluster.Slurm;
using CondoBot.Core;
using CondoBot.Core.Clusters;

namespace CondoBot.Cluster.Tests;

/// <summary>The activity file the job keeps next to its connection file, as board and poll return it.</summary>
public class ActivityOutputTests
{
    private const string Session = "0123456789abcdef0123456789abcdef";
    private const string Conn = "node=node001\nport=23456\ntoken=0123456789abcdef0123456789abcdef0123456789abcdef\nready=1796126000\nkept=0\n";
    private const string Activity = "last_activity=1796126400\nconnections=1\nbusy_kernels=2\nkernels=3\nchecked=1796126430\n";

    [Fact]
    public void APoll_ReadsTheActivityAfterTheConnectionFile()
    {
        var job = SlurmOutput.ParsePoll($"7|RUNNING|node001|29:00|N/A|None\n{SlurmCommands.PollMarker} 0 +0000\n{Conn}{Activity}", new SlurmJobId(7));

        Assert.NotNull(job.Jupyter);
        Assert.Equal(new LabActivity(DateTimeOffset.FromUnixTimeSeconds(1796126400), 1, 2, 3, DateTimeOffset.FromUnixTimeSeconds(1796126430)), job.Activity);
    }

    [Fact]
    public void ABoard_GathersTheActivityFileWithTheSessionsConnectionFile()
    {
        var files = string.Concat(Conn.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => $".condobot/{Session}.conn:{l}\n"))
            + string.Concat(Activity.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => $".condobot/{Session}.activity:{l}\n"));
        var board = SlurmOutput.ParseBoard($"7|RUNNING|node001|29:00|N/A|None\n{SlurmCommands.PollMarker} 0 +0000\n{files}")!;

        var job = board.Find(new SlurmJobId(7), new SessionId(Guid.ParseExact(Session, "N")))!;

        Assert.NotNull(job.Jupyter);
        Assert.Equal(2, job.Activity!.BusyKernels);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1796126400), job.Activity.LastActivity);
    }

    [Theory]
    [InlineData("")]
    [InlineData("last_activity=1796126400\nconnections=1\n")]
    [InlineData("last_activity=soon\nbusy_kernels=0\nchecked=1796126430\n")]
    [InlineData("last_activity=-5\nbusy_kernels=0\nchecked=1796126430\n")]
    [InlineData("last_activity=99999999999999999999\nbusy_kernels=0\nchecked=1796126430\n")]
    public void AMissingOrIncompleteActivityFile_GivesNoActivity(string activity)
    {
        var job = SlurmOutput.ParsePoll($"7|RUNNING|node001|29:00|N/A|None\n{SlurmCommands.PollMarker} 0 +0000\n{Conn}{activity}", new SlurmJobId(7));

        Assert.NotNull(job.Jupyter);
        Assert.Null(job.Activity);
    }

    [Fact]
    public void AnActivityFileWithoutAConnectionFile_GivesNoActivity()
    {
        var job = SlurmOutput.ParsePoll($"7|RUNNING|node001|29:00|N/A|None\n{SlurmCommands.PollMarker} 0 +0000\n{Activity}", new SlurmJobId(7));

        Assert.Null(job.Activity);
    }
}
