using CondoBot.Testing;
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
    public void Submit_CreatesThePrivateOutputFolder_ThenRunsSbatchOnlyOnTheWholeScript()
    {
        var request = new JobRequest(Session, "cnms", "", 1, Walltime.Default, 23456);

        Assert.Equal(
            "mkdir -p -m 700 .condobot && f=$(mktemp .condobot/submit.XXXXXX) && cat > \"$f\" && " +
            "if echo \"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824  $f\" | sha256sum --check --status; " +
            "then sbatch --parsable --job-name=condobot --comment=condobot:0123456789abcdef0123456789abcdef --account cnms --nodes 1 --time 00:30:00 --output=.condobot/slurm-%j.out \"$f\"; rc=$?; " +
            "else echo 'condobot: the job script arrived incomplete' >&2; rc=75; fi; rm -f \"$f\"; exit $rc",
            SlurmCommands.Submit(request, "hello"));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Submit_WithATruncatedScript_RunsNoSbatch_AndSaysSo()
    {
        var request = new JobRequest(Session, "cnms", "", 1, Walltime.Default, 23456);
        var dir = Directory.CreateTempSubdirectory("condobot-submit-").FullName;
        try
        {
            // A stand-in sbatch on PATH records whether it ran; the real upload is cut short by one byte.
            File.WriteAllText(Path.Combine(dir, "sbatch"), "#!/bin/sh\necho ran > \"$HOME/ran\"\necho 42\n");
            File.SetUnixFileMode(Path.Combine(dir, "sbatch"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
            var script = "#!/bin/bash\necho whole\n";
            var command = $"export HOME={dir} PATH={dir}:$PATH; cd {dir}; " + SlurmCommands.Submit(request, script);

            var cut = Assert.Throws<InvalidOperationException>(() => LocalCluster.Run("bash", ["-c", command], stdin: script[..^1]));
            Assert.Contains(SlurmCommands.IncompleteScript, cut.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dir, "ran")));

            Assert.Equal("42", LocalCluster.Run("bash", ["-c", command], stdin: script).Trim());
            Assert.True(File.Exists(Path.Combine(dir, "ran")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
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

    [Fact]
    public void Board_ListsTheLoginsCondoBotJobs_AndReadsEachSessionsConnectionFile_InOneCommand()
    {
        var other = SessionId.TryParse("fedcba9876543210fedcba9876543210", out var id) ? id : default;

        Assert.Equal(
            "squeue --noheader --states=all --user condouser --name=condobot '--format=%i|%T|%N|%L|%S|%r'; echo \"@@condobot squeue-exit $? $(date +%z)\"; "
            + "grep -H '' -- .condobot/0123456789abcdef0123456789abcdef.conn .condobot/fedcba9876543210fedcba9876543210.conn 2>/dev/null; exit 0",
            SlurmCommands.Board(new ClusterUser("condouser"), [Session, other]));
    }
}
