using CondoBot.Cluster.Gate;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Identity;
using CondoBot.Testing;

namespace CondoBot.Cluster.Tests;

/// <summary>The gate program itself, run by the real /bin/sh with stand-in Slurm commands that record what they were given.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GateScriptTests : IDisposable
{
    private const string Session = "0123456789abcdef0123456789abcdef";

    private static readonly ClusterProfile Cluster = new()
    {
        Name = "test",
        LoginHost = "login",
        JobPreamble = "module purge\nmodule load anaconda3/5.1.0-pe3",
        LaunchCommand = "jupyter lab",
    };

    private static readonly ClusterProfile SiteWide = new() { Name = "test", Gate = "/opt/condobot/gate" };

    private readonly GateHome _home = new(Cluster);

    public void Dispose() => _home.Dispose();

    [Fact]
    public void Submit_RunsSbatchWithEveryValueAsItsOwnArgument_AndAScriptItWroteItself()
    {
        var run = _home.Run($"submit cluster=test session={Session} port=23456 nodes=2 time=1-02:03:04 account=cnms partition=short gpus=2 after=41");

        Assert.Equal(0, run.Exit);
        Assert.Equal("4242", run.Stdout.Trim());
        var argv = Assert.Single(_home.Calls("sbatch"));
        Assert.Equal(
            ["--parsable", "--job-name=condobot", $"--comment=condobot:{Session}", "--account", "cnms", "--partition", "short",
             "--gpus-per-node=2", "--dependency=afterany:41", "--nodes", "2", "--time", "1-02:03:04", "--output=.condobot/slurm-%j.out"],
            argv);
        var script = File.ReadAllText(Path.Combine(_home.Dir, "sbatch.script"));
        LocalCluster.Run("bash", ["-n"], stdin: script);
        Assert.True(script.IndexOf("module load anaconda3/5.1.0-pe3", StringComparison.Ordinal)
            < script.IndexOf("jupyter lab --ip=0.0.0.0 --port=\"$port\" --port-retries=0 --no-browser", StringComparison.Ordinal));
        Assert.Contains("port=23456\n", script, StringComparison.Ordinal);
        Assert.Contains($"conn=\"$HOME/.condobot/{Session}.conn\"", script, StringComparison.Ordinal);
        Assert.Contains("port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))", script, StringComparison.Ordinal);
    }

    [Fact]
    public void AGateForTwoClusters_WritesEachOnesSettings_AndRefusesAClusterItDoesNotServe()
    {
        var other = new ClusterProfile { Name = "legacy", LoginHost = "login2", LaunchCommand = "jupyter server", NodePortMin = 30000, NodePortMax = 31000 };
        File.WriteAllText(_home.Gate, GateProgram.Render([Cluster, other]));

        Assert.Equal(0, _home.Run($"submit cluster=legacy session={Session} port=30500 nodes=1 time=00:30:00").Exit);
        var legacy = File.ReadAllText(Path.Combine(_home.Dir, "sbatch.script"));
        Assert.Equal(126, _home.Run($"submit cluster=legacy session={Session} port=23456 nodes=1 time=00:30:00").Exit);
        Assert.Equal(0, _home.Run($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00").Exit);
        var test = File.ReadAllText(Path.Combine(_home.Dir, "sbatch.script"));
        var unknown = _home.Run($"submit cluster=other session={Session} port=23456 nodes=1 time=00:30:00");

        Assert.Contains("  jupyter server --ip=0.0.0.0", legacy, StringComparison.Ordinal);
        Assert.DoesNotContain("module load", legacy, StringComparison.Ordinal);
        Assert.Contains("% 1000 ))", legacy, StringComparison.Ordinal);
        Assert.Contains("module load anaconda3/5.1.0-pe3", test, StringComparison.Ordinal);
        Assert.Contains("  jupyter lab --ip=0.0.0.0", test, StringComparison.Ordinal);
        Assert.Equal(126, unknown.Exit);
        Assert.Contains("no settings for cluster other", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, _home.Calls("sbatch").Count);
    }

    [Fact]
    public void WithNodeSsh_TheJobScript_StartsJupyterLabOnAPrivateUnixSocket_AndOnNoPort()
    {
        var nodeSsh = new ClusterProfile { Name = "test", LoginHost = "login", LaunchCommand = "jupyter lab", NodeSsh = true };
        File.WriteAllText(_home.Gate, GateProgram.Render([nodeSsh]));

        Assert.Equal(0, _home.Run($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00").Exit);
        var script = File.ReadAllText(Path.Combine(_home.Dir, "sbatch.script"));

        LocalCluster.Run("bash", ["-n"], stdin: script);
        Assert.Contains("labdir=$(mktemp -d /tmp/condobot-01234567.XXXXXXXX) || exit 1\n", script, StringComparison.Ordinal);
        Assert.Contains("  jupyter lab --sock=\"$sock\" --ServerApp.sock_mode=0600 --no-browser &\n", script, StringComparison.Ordinal);
        Assert.Contains("--unix-socket \"$sock\"", script, StringComparison.Ordinal);
        Assert.Contains("'node=%s\\nsocket=%s\\ntoken=%s\\nready=%s\\nkept=%s\\n'", script, StringComparison.Ordinal);
        Assert.DoesNotContain("--ip", script, StringComparison.Ordinal);
        Assert.DoesNotContain("--port", script, StringComparison.Ordinal);
        Assert.DoesNotContain("$port", script, StringComparison.Ordinal);
        Assert.Contains("rm -rf \"$labdir\"", script, StringComparison.Ordinal);
    }

    [Fact]
    public void TheJobScript_PassesTheTokenOnlyThroughTheEnvironment()
    {
        _home.Run($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00");
        var script = File.ReadAllText(Path.Combine(_home.Dir, "sbatch.script"));

        Assert.Contains("export JUPYTER_TOKEN", script, StringComparison.Ordinal);
        Assert.Contains("tr -d ' \\n'", script, StringComparison.Ordinal);
        Assert.DoesNotContain("--ServerApp.token", script, StringComparison.Ordinal);
        Assert.DoesNotContain("--NotebookApp.token", script, StringComparison.Ordinal);
        Assert.Contains("umask 077", script, StringComparison.Ordinal);
        Assert.Equal(["--parsable", "--job-name=condobot", $"--comment=condobot:{Session}", "--nodes", "1", "--time", "00:30:00", "--output=.condobot/slurm-%j.out"],
            Assert.Single(_home.Calls("sbatch")));
    }

    [Theory]
    [InlineData("submit cluster=test session=0123 port=23456 nodes=1 time=00:30:00")]
    [InlineData($"submit cluster=test session={Session} port=80 nodes=1 time=00:30:00")]
    [InlineData($"submit cluster=test session={Session} port=23456 nodes=0 time=00:30:00")]
    [InlineData($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00 account=-x")]
    [InlineData($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00 script=x")]
    [InlineData($"submit cluster=test session={Session} port=23456 nodes=1 time=:")]
    [InlineData($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00 partition=a;id")]
    [InlineData($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00 account=$(id)")]
    [InlineData("sbatch --wrap=id")]
    [InlineData("id")]
    [InlineData("id -un")]
    [InlineData("cat .ssh/authorized_keys")]
    [InlineData("identity; id")]
    [InlineData("version\nid")]
    [InlineData("board ../../etc/passwd")]
    [InlineData("poll 42 ../x")]
    [InlineData("cancel 42 43")]
    [InlineData("cancel -1")]
    [InlineData("scancel 42")]
    [InlineData("sinfo")]
    [InlineData("squeue")]
    [InlineData("internal-sftp")]
    [InlineData("/usr/lib/openssh/sftp-server")]
    [InlineData("scp -t .")]
    [InlineData("")]
    public void AnythingButItsVerbs_IsRefused_Logged_AndRunsNothing(string request)
    {
        var run = _home.Run(request);

        Assert.Equal(126, run.Exit);
        Assert.Contains("condobot-gate: refused", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
        Assert.Empty(_home.Calls("sbatch"));
        Assert.Empty(_home.Calls("scancel"));
        Assert.Empty(_home.Calls("squeue"));
        Assert.Contains($"key {GateHome.Tag}", _home.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void ALoginWithoutACommand_AShell_IsRefused()
    {
        var run = _home.Run(null);

        Assert.Equal(126, run.Exit);
        Assert.Contains("(a shell or a subsystem)", _home.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRefusalLog_KeepsOnlyPrintableCharacters_AndAtMost200()
    {
        _home.Run("echo $(id) `id` \u001b[31m" + new string('x', 500));

        var line = Assert.Single(_home.Log!.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("\u001b", line, StringComparison.Ordinal);
        Assert.DoesNotContain("$(", line, StringComparison.Ordinal);
        Assert.True(line.Length < 400, line);
    }

    [Fact]
    public void TheRefusalLog_StopsGrowingAtAMegabyte()
    {
        var log = Path.Combine(_home.Dir, ".condobot", "gate.log");
        File.WriteAllText(log, new string('x', 1024 * 1024));

        var run = _home.Run("id");

        Assert.Equal(126, run.Exit);
        Assert.Equal(1024 * 1024, new FileInfo(log).Length);
    }

    [Fact]
    public void Board_AsksSqueueForTheUsersCondoBotJobs_InTheFormatTheParserReads_ThenEachConnectionFile()
    {
        File.WriteAllText(Path.Combine(_home.Dir, ".condobot", Session + ".conn"), "node=node001\nport=23456\n");
        var run = _home.Run($"board {Session} fedcba9876543210fedcba9876543210", new Dictionary<string, string> { ["STANDIN_OUT"] = "7|RUNNING|node001|29:00|N/A|None\n" });

        Assert.Equal(0, run.Exit);
        Assert.Equal(["--noheader", "--states=all", "--user", Environment.UserName, "--name=condobot", "--format=%i|%T|%N|%L|%S|%r|%e|%D"], Assert.Single(_home.Calls("squeue")));
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("7|RUNNING|node001|29:00|N/A|None", lines[0]);
        Assert.Matches(@"^@@condobot squeue-exit 0 [+-]\d{4}$", lines[1]);
        Assert.Equal([$".condobot/{Session}.conn:node=node001", $".condobot/{Session}.conn:port=23456"], lines[2..]);
    }

    [Fact]
    public void PollSessionsAndPartitions_RunTheCommandsTheParsersRead()
    {
        _home.Run($"poll 42 {Session}");
        _home.Run("sessions");
        _home.Run("partitions");

        Assert.Equal(["--noheader", "--states=all", "--jobs", "42", "--format=%i|%T|%N|%L|%S|%r|%e|%D"], _home.Calls("squeue")[0]);
        Assert.Equal(["--noheader", "--states=all", "--user", Environment.UserName, "--name=condobot", "--format=%i|%k"], _home.Calls("squeue")[1]);
        Assert.Equal(["--noheader", "--format=%P|%a|%t|%D|%l"], Assert.Single(_home.Calls("sinfo")));
    }

    [Fact]
    public void Submit_WithAnEnvironment_RunsItsPreambleAfterTheClusters_AndItsLaunchCommand()
    {
        var cluster = new ClusterProfile
        {
            Name = "test",
            LoginHost = "login",
            JobPreamble = "module purge",
            Environments =
            {
                ["pytorch"] = new ClusterEnvironment { Preamble = "module load pytorch/2.5\nexport TORCH_HOME=$HOME/.torch", LaunchCommand = "python -m jupyterlab" },
                ["plain"] = new ClusterEnvironment { Preamble = "module load anaconda3" },
            },
        };
        File.WriteAllText(_home.Gate, GateProgram.Render([cluster]));

        Assert.Equal(0, _home.Run($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00 env=pytorch").Exit);
        var script = File.ReadAllText(Path.Combine(_home.Dir, "sbatch.script"));
        LocalCluster.Run("bash", ["-n"], stdin: script);
        var order = new[] { "module purge", "# Environment pytorch", "module load pytorch/2.5\nexport TORCH_HOME=$HOME/.torch", "python -m jupyterlab --ip=0.0.0.0" }
            .Select(line => script.IndexOf(line, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order(), order);

        Assert.Equal(0, _home.Run($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00 env=plain").Exit);
        var plain = File.ReadAllText(Path.Combine(_home.Dir, "sbatch.script"));
        Assert.Contains("module load anaconda3\n", plain, StringComparison.Ordinal);
        Assert.Contains("jupyter lab --ip=0.0.0.0", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("pytorch", plain, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("env=tensorflow", "no environment tensorflow for cluster test")]
    [InlineData("env=a.b", "env= must be an environment name")]
    [InlineData("env=", "")]
    public void Submit_WithAnEnvironmentTheGateDoesNotHold_IsRefused_AndSubmitsNothing(string env, string refusal)
    {
        var run = _home.Run($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00 {env}");

        if (refusal.Length == 0)
        {
            Assert.Equal(0, run.Exit);
            return;
        }

        Assert.Equal(126, run.Exit);
        Assert.Contains(refusal, run.Stderr, StringComparison.Ordinal);
        Assert.Empty(_home.Calls("sbatch"));
    }

    [Fact]
    public void Submit_OfAFollowOnKeepingTheToken_MarksTheFirstSession_AndTakesItsTokenOver()
    {
        const string first = "fedcba9876543210fedcba9876543210";

        Assert.Equal(0, _home.Run($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00 after=41 keep={first}").Exit);

        Assert.True(File.Exists(Path.Combine(_home.Dir, ".condobot", first + ".keep")));
        var script = File.ReadAllText(Path.Combine(_home.Dir, "sbatch.script"));
        LocalCluster.Run("bash", ["-n"], stdin: script);
        Assert.Contains($"kept_file=\"$HOME/.condobot/{first}.token\"", script, StringComparison.Ordinal);
        Assert.Contains("[ \"$kept\" = 1 ] || JUPYTER_TOKEN=", script, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keep=fedcba9876543210fedcba9876543210")]
    [InlineData("after=41 keep=0123456789abcdef0123456789abcdef")]
    [InlineData("after=41 keep=../../x")]
    public void Submit_KeepingATokenOfNoFollowedSession_IsRefused(string words)
    {
        var run = _home.Run($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00 {words}");

        Assert.Equal(126, run.Exit);
        Assert.Empty(_home.Calls("sbatch"));
    }

    [Fact]
    public void Output_GivesTheLastLinesOfTheJobsOutputFile_WithTokensHidden()
    {
        var lines = Enumerable.Range(1, 50).Select(i => $"line {i}").ToList();
        lines.Add("[I ServerApp] http://node001:23456/lab?token=0123456789abcdef0123456789abcdef0123456789abcdef");
        lines.Add("CondoBot: JupyterLab did not start");
        File.WriteAllText(Path.Combine(_home.Dir, ".condobot", "slurm-42.out"), string.Join('\n', lines) + "\n");

        var run = _home.Run("output 42");

        Assert.Equal(0, run.Exit);
        var got = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(40, got.Length);
        Assert.Equal("line 13", got[0]);
        Assert.Equal("[I ServerApp] http://node001:23456/lab?token=(hidden)", got[^2]);
        Assert.DoesNotContain("0123456789abcdef0123", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("output 42", "")]
    [InlineData("output ../x", "refused")]
    [InlineData("output 42 43", "refused")]
    public void Output_OfAJobWithoutAFile_SaysSo_AndAnythingButOneJobIdIsRefused(string request, string refusal)
    {
        var run = _home.Run(request);

        Assert.Equal("", run.Stdout);
        if (refusal.Length > 0) Assert.Equal(126, run.Exit);
        else Assert.Contains("left no output file", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancel_RunsScancel_OnlyForACondoBotJobOfTheUser()
    {
        var notListed = _home.Run("cancel 42");
        Assert.Equal(210, notListed.Exit);
        Assert.Contains("Access/permission denied", notListed.Stderr, StringComparison.Ordinal);
        Assert.Empty(_home.Calls("scancel"));

        var listed = _home.Run("cancel 42", new Dictionary<string, string> { ["STANDIN_OUT"] = "42\n" });
        Assert.Equal(0, listed.Exit);
        Assert.Equal(["42"], Assert.Single(_home.Calls("scancel")));
        Assert.Equal(["--noheader", "--states=all", "--jobs", "42", "--user", Environment.UserName, "--name=condobot", "--format=%i"], _home.Calls("squeue")[0]);
    }

    [Fact]
    public void Cancel_OfAJobSlurmHasForgotten_CountsAsDone()
    {
        var run = _home.Run("cancel 42", new Dictionary<string, string> { ["STANDIN_OUT"] = "slurm_load_jobs error: Invalid job id specified", ["STANDIN_EXIT"] = "1" });

        Assert.Equal(0, run.Exit);
        Assert.Contains("Invalid job id", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(_home.Calls("scancel"));
    }

    [Fact]
    public void Revoke_RemovesExactlyTheLinesNamingItsOwnKeyTag()
    {
        var keys = Path.Combine(_home.Dir, ".ssh", "authorized_keys");
        string[] others = ["ssh-ed25519 AAAAperson person@laptop", "restrict,command=\"/bin/sh $HOME/.condobot/test.gate fedcba9876543210fedcba9876543210\" ssh-ed25519 AAAAother condobot-other"];
        File.WriteAllLines(keys, [others[0], $"restrict,command=\"/bin/sh $HOME/.condobot/test.gate {GateHome.Tag}\" ssh-ed25519 AAAAmine condobot-mine", others[1]]);

        var run = _home.Run("revoke");

        Assert.Equal(0, run.Exit);
        Assert.Equal("condobot-gate: revoked 1", run.Stdout.Trim());
        Assert.Equal(others, File.ReadAllLines(keys));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys));
        Assert.Equal("condobot-gate: revoked 0", _home.Run("revoke").Stdout.Trim());
    }

    [Fact]
    public void Version_ReportsTheProtocolAndTheBuildTheBotExpects()
    {
        var run = _home.Run("version");

        Assert.Equal($"condobot-gate {GateProgram.Protocol} {GateProgram.Build([Cluster])}", run.Stdout.Trim());
        Assert.True(GateProgram.IsCurrent(run.Stdout, Cluster, [Cluster]));
        var otherSettings = new ClusterProfile { Name = "test", LoginHost = "login", LaunchCommand = "jupyter lab --debug" };
        Assert.False(GateProgram.IsCurrent(run.Stdout, otherSettings, [otherSettings]));
        Assert.True(GateProgram.IsCurrent(run.Stdout, SiteWide, [SiteWide]));
        Assert.False(GateProgram.IsCurrent("condobot-gate 0 abc", SiteWide, [SiteWide]));
    }

    [Theory]
    [InlineData("/bin/sh")]
    [InlineData("/bin/bash")]
    [InlineData("/usr/bin/tcsh")]
    [InlineData("/usr/bin/fish")]
    public void TheAuthorizeLineAndTheForcedCommand_MeanTheSameInEveryLoginShell(string shell)
    {
        var link = new UserLink(new ChatUserId("test", "x"), new ClusterUser("someone"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE8tb2s0d1ZfYm9vbW9yZV9rZXlfYmxvYl9oZXJl condobot-test-x", DateTimeOffset.UnixEpoch);
        File.Delete(_home.Gate);
        var installation = new GateInstallation(new ClusterCatalog([Cluster]));

        var install = _home.Run(null, shell: shell, command: installation.Command(link, Cluster));
        var installedTwice = _home.Run(null, shell: shell, command: installation.Command(link, Cluster));

        Assert.True(install.Exit == 0, install.Stderr);
        Assert.Equal(0, installedTwice.Exit);
        Assert.Equal([installation.Entry(link, Cluster)], File.ReadAllLines(Path.Combine(_home.Dir, ".ssh", "authorized_keys")));
        var forced = GateProgram.ForcedCommand(Cluster, [Cluster], link.PublicKey);
        var version = _home.Run("version", shell: shell, command: forced);
        Assert.Equal($"condobot-gate {GateProgram.Protocol} {GateProgram.Build([Cluster])}", version.Stdout.Trim());
        Assert.Equal(126, _home.Run("id", shell: shell, command: forced).Exit);
    }

    [Fact]
    public void TheEntry_CarriesFromAndExpiry_WhenTheSiteAsksForThem()
    {
        var link = new UserLink(new ChatUserId("test", "x"), new ClusterUser("someone"), "ssh-ed25519 AAAAC3Nza condobot-test-x", new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero));
        var profile = new ClusterProfile { Name = "condo", BotAddress = "10.0.0.5", KeyLifetime = TimeSpan.FromDays(90), Gate = "/opt/condobot/gate" };

        var installation = new GateInstallation(new ClusterCatalog([profile]));

        var entry = installation.Entry(link, profile);

        Assert.Equal($"restrict,command=\"/bin/sh /opt/condobot/gate {GateProgram.KeyTag(link.PublicKey)}\",from=\"10.0.0.5\",expiry-time=\"202703010930Z\" ssh-ed25519 AAAAC3Nza condobot-test-x", entry);
        Assert.Equal("mkdir -p ~/.ssh && chmod 700 ~/.ssh && echo '" + entry + "' >> ~/.ssh/authorized_keys && chmod 600 ~/.ssh/authorized_keys",
            installation.Command(link, profile));
    }
}
