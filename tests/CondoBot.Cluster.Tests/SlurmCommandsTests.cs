using CondoBot.Cluster.Slurm;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;

namespace CondoBot.Cluster.Tests;

public class SlurmCommandsTests
{
    private static readonly SessionId Session = SessionId.TryParse("0123456789abcdef0123456789abcdef", out var id) ? id : default;

    [Fact]
    public void SbatchArgv_CarriesEveryValueAsItsOwnArgument()
    {
        var request = new JobRequest(Session, "cnms", "short", 2, Walltime.Parse("1-02:03:04")!.Value, 23456);

        Assert.Equal(
            ["sbatch", "--parsable", "--job-name=condobot", "--comment=condobot:0123456789abcdef0123456789abcdef",
             "--account", "cnms", "--partition", "short", "--nodes", "2", "--time", "1-02:03:04",
             "--output=.condobot/slurm-%j.out"],
            SlurmCommands.SbatchArgv(request));
    }

    [Fact]
    public void SbatchArgv_AsksForGpusAndWaitsForThePreviousJob_WithAfterany()
    {
        var request = new JobRequest(Session, "cnms", "", 1, Walltime.Default, 23456) { Gpus = 2, After = new SlurmJobId(41) };

        var argv = SlurmCommands.SbatchArgv(request);

        Assert.Contains("--gpus-per-node=2", argv);
        Assert.Contains("--dependency=afterany:41", argv);
        Assert.DoesNotContain(argv, a => a.Contains("afterok", StringComparison.Ordinal));
    }

    [Fact]
    public void SbatchArgv_LeavesAccountAndPartitionToSlurm_WhenTheyAreEmpty()
    {
        var request = new JobRequest(Session, "", "", 1, Walltime.Default, 23456);

        var argv = SlurmCommands.SbatchArgv(request);

        Assert.DoesNotContain("--account", argv);
        Assert.DoesNotContain("--partition", argv);
        Assert.Contains("00:30:00", argv);
    }

    [Fact]
    public void Submit_CreatesThePrivateOutputFolder_ThenRunsSbatch()
    {
        var request = new JobRequest(Session, "cnms", "", 1, Walltime.Default, 23456);

        Assert.Equal(
            "mkdir -p -m 700 .condobot && sbatch --parsable --job-name=condobot --comment=condobot:0123456789abcdef0123456789abcdef --account cnms --nodes 1 --time 00:30:00 --output=.condobot/slurm-%j.out",
            SlurmCommands.Submit(request));
    }

    [Fact]
    public void Poll_AsksForOneJob_AndReadsTheSessionsConnectionFile()
    {
        Assert.Equal(
            "squeue --noheader --states=all --jobs 42 '--format=%i|%T|%N|%L|%S|%r'; echo \"@@condobot squeue-exit $? $(date +%z)\"; cat .condobot/0123456789abcdef0123456789abcdef.conn 2>/dev/null; exit 0",
            SlurmCommands.Poll(new SlurmJobId(42), Session));
    }

    [Fact]
    public void FindBySession_ListsOnlyTheUsersJobs()
    {
        Assert.Equal("squeue --noheader --states=all --user condouser '--format=%i|%k'", SlurmCommands.FindBySession(new ClusterUser("condouser")));
    }
}
