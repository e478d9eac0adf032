using CondoBot.Cluster.Slurm;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;

namespace CondoBot.Cluster.Tests;

public class SlurmCommandsTests
{
    private static readonly SessionId Session = SessionId.TryParse("0123456789abcdef0123456789abcdef", out var id) ? id : default;

    [Fact]
    public void Submit_CarriesEveryValueAsItsOwnWord_ForTheGateToCheck()
    {
        var request = new JobRequest(Session, "cnms", "short", 2, Walltime.Parse("1-02:03:04")!.Value, 23456);

        Assert.Equal(
            "submit cluster=condo session=0123456789abcdef0123456789abcdef port=23456 nodes=2 time=1-02:03:04 account=cnms partition=short",
            SlurmCommands.Submit("condo", request));
    }

    [Fact]
    public void Submit_AsksForGpusAndWaitsForThePreviousJob()
    {
        var request = new JobRequest(Session, "", "", 1, Walltime.Default, 23456) { Gpus = 2, After = new SlurmJobId(41) };

        Assert.Equal(
            "submit cluster=condo session=0123456789abcdef0123456789abcdef port=23456 nodes=1 time=00:30:00 gpus=2 after=41",
            SlurmCommands.Submit("condo", request));
    }

    [Fact]
    public void Submit_RefusesToSendAValueThatWasNotValidated()
    {
        var request = new JobRequest(Session, "cnms; id", "", 1, Walltime.Default, 23456);

        Assert.Throws<ArgumentException>(() => SlurmCommands.Submit("condo", request));
    }

    [Fact]
    public void PollBoardCancel_AreVerbsWithIds()
    {
        var other = SessionId.TryParse("fedcba9876543210fedcba9876543210", out var id) ? id : default;

        Assert.Equal("poll 42 0123456789abcdef0123456789abcdef", SlurmCommands.Poll(new SlurmJobId(42), Session));
        Assert.Equal("board 0123456789abcdef0123456789abcdef fedcba9876543210fedcba9876543210", SlurmCommands.Board([Session, other]));
        Assert.Equal("board", SlurmCommands.Board([]));
        Assert.Equal("cancel 42", SlurmCommands.Cancel(new SlurmJobId(42)));
        Assert.Equal("sessions", SlurmCommands.FindBySession());
        Assert.Equal("partitions", SlurmCommands.IdlePartitions());
    }
}
