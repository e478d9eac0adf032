using System.Diagnostics;
using System.Net.Sockets;
using CondoBot.Cluster.Gate;
using CondoBot.Cluster.Keys;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Identity;
using CondoBot.Testing;
using Microsoft.AspNetCore.DataProtection;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Utilities;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// The delegated key as a thief would hold it: the bot's own key, authorized with exactly the line the bot prints (run
/// as the login, in its login shell), used by hand with OpenSSH's ssh, scp and sftp against a real cluster of the
/// local site (each of them: Slurm 24.11 and 22.05).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public abstract class GateEndToEndTests(string clusterName) : IAsyncLifetime
{
    private const string Login = "condouser";
    private readonly LocalCluster _cluster = LocalCluster.Get(clusterName);
    private readonly KeyVault _vault = new(new MemoryKeyStore(), new EphemeralDataProtectionProvider(), TimeProvider.System);
    private readonly ChatUserId _user = new("test", "gate-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _dir = Directory.CreateTempSubdirectory("condobot-stolen-").FullName;
    private readonly string _mark = "stolen-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IDisposable> _cleanup = [];
    private UserLink _link = null!;

    private string KeyFile => Path.Combine(_dir, "id_ed25519");

    private string Home => $"/home/{Login}";

    public async Task InitializeAsync()
    {
        _link = await _vault.IssueAsync(_user, new ClusterUser(Login), CancellationToken.None);
        AuthorizedKey.RunAs(Login, new GateInstallation(new ClusterCatalog([Profile()])).Command(_link, Profile()));
        var seed = (await _vault.UnsealAsync(_user, CancellationToken.None))!.Seed;
        BotKeyFile.Write(KeyFile, seed);
        var hostKey = File.ReadAllText(_cluster.HostKeyFile).Trim().Split(' ');
        File.WriteAllText(Path.Combine(_dir, "known_hosts"), $"[{_cluster.LoginHost}]:{_cluster.LoginPort} {hostKey[0]} {hostKey[1]}\n");
    }

    public Task DisposeAsync()
    {
        LocalCluster.Deauthorize(Login, KeyVault.Comment(_user));
        Directory.Delete(_dir, recursive: true);
        foreach (var c in _cleanup) c.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The cluster as the bot knows it, under its own name.</summary>
    private ClusterProfile Profile() => _cluster.Profile(name: _cluster.Name);

    private string[] Options =>
        ["-i", KeyFile, "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=" + Path.Combine(_dir, "known_hosts"), "-o", "StrictHostKeyChecking=yes",
         "-o", "BatchMode=yes", "-o", "ConnectTimeout=10"];

    private string Target => $"{Login}@{_cluster.LoginHost}";

    [Fact]
    public void TheStolenKey_ReachesTheGate_ButItsOwnCommandsAreRefused_AndNothingIsWritten()
    {
        Assert.Equal(0, Ssh(["version"]).Exit);
        Assert.Equal(Login, Ssh(["identity"]).Stdout.Trim());
        var before = File.ReadAllText($"{Home}/.ssh/authorized_keys");

        string[][] attempts =
        [
            ["id"],
            ["cat", ".ssh/authorized_keys"],
            ["sh", "-c", "id"],
            ["bash", "-i"],
            ["touch", _mark],
            ["echo ssh-ed25519 AAAA" + _mark + " >> .ssh/authorized_keys"],
            ["sbatch", $"--job-name={_mark}", "--wrap=id"],
            ["identity;", "touch", _mark],
            [$"identity && touch {_mark}"],
            [$"submit session=0123456789abcdef0123456789abcdef port=23456 nodes=1 time=00:05:00 account=$(touch {_mark})"],
        ];
        foreach (var attempt in attempts)
        {
            var run = Ssh(attempt);
            Assert.True(run.Exit == 126, $"{string.Join(' ', attempt)}: exit {run.Exit}, {run.Stderr}");
            Assert.Contains("condobot-gate: refused", run.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("uid=", run.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("ssh-ed25519", run.Stdout, StringComparison.Ordinal);
        }

        // A script of its own, on stdin as the bot once sent one, reaches no sbatch either.
        var script = Ssh(["sbatch", $"--job-name={_mark}"], stdin: $"#!/bin/sh\ntouch {_mark}\n");
        Assert.Equal(126, script.Exit);

        // An interactive login: no terminal (restrict), and the gate answers an empty request with a refusal.
        var shell = Ssh(["-tt"], stdin: $"touch {_mark}\nexit\n", noCommand: true);
        Assert.NotEqual(0, shell.Exit);

        NothingWasWritten(before);
        Assert.Contains($"key {GateProgram.KeyTag(_link.PublicKey)}: characters outside the gate's vocabulary", File.ReadAllText($"{Home}/.condobot/gate.log"), StringComparison.Ordinal);
    }

    [Fact]
    public void TheStolenKey_CannotCopyFilesWithScpOrSftp()
    {
        var before = File.ReadAllText($"{Home}/.ssh/authorized_keys");
        var local = Path.Combine(_dir, _mark);
        File.WriteAllText(local, "planted\n");
        var copy = Path.Combine(_dir, "copied");

        Assert.NotEqual(0, Tool("scp", [.. Options, "-P", Port, local, $"{Target}:{_mark}"]).Exit);
        Assert.NotEqual(0, Tool("scp", [.. Options, "-O", "-P", Port, local, $"{Target}:{_mark}"]).Exit);
        Assert.NotEqual(0, Tool("scp", [.. Options, "-P", Port, $"{Target}:.ssh/authorized_keys", copy]).Exit);
        Assert.NotEqual(0, Tool("scp", [.. Options, "-O", "-P", Port, $"{Target}:.ssh/authorized_keys", copy]).Exit);
        Assert.True(!File.Exists(copy) || new FileInfo(copy).Length == 0);
        Assert.NotEqual(0, Tool("sftp", [.. Options, "-P", Port, "-b", "-", Target], stdin: $"put {local} {_mark}\nget .ssh/authorized_keys {copy}\n").Exit);
        Assert.True(!File.Exists(copy) || new FileInfo(copy).Length == 0);

        NothingWasWritten(before);
    }

    [Fact]
    public async Task TheStolenKey_CannotOpenAForward()
    {
        // -W (a direct channel to the login node's own sshd) and -R are refused outright.
        Assert.NotEqual(0, Ssh(["-W", $"{_cluster.LoginHost}:{_cluster.LoginPort}"], noCommand: true).Exit);
        Assert.NotEqual(0, Ssh(["-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:22"], noCommand: true).Exit);

        // -L opens locally, but every connection through it is refused by the login node: no SSH banner comes back.
        var port = PrintedTunnel.FreePort();
        using var forward = Process.Start(SshStart(["-N", "-L", $"{port}:{_cluster.LoginHost}:{_cluster.LoginPort}"], noCommand: true))!;
        try
        {
            await PrintedTunnel.WaitForPortAsync(port, forward);
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            var buffer = new byte[64];
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var read = await client.GetStream().ReadAsync(buffer, wait.Token);
            Assert.Equal(0, read);
        }
        finally
        {
            if (!forward.HasExited) forward.Kill();
        }
    }

    [Fact]
    public async Task AnOutdatedGate_IsDetected_TheUserIsToldTheLineThatUpdatesIt_AndThatLineFixesIt()
    {
        // Its own cluster name, so its own gate file: the other tests' gate is left alone.
        var installed = _cluster.Profile(name: "outdated");
        installed.LaunchCommand = "jupyter lab --ServerApp.log_level=INFO";
        var actor = new Actor(_user, new ClusterUser(Login), "outdated");
        var newer = _cluster.Profile(name: "outdated");
        AuthorizedKey.RunAs(Login, new GateInstallation(new ClusterCatalog([installed])).Command(_link, installed));
        using var rig = new SlurmOverSsh(newer, _vault);

        var check = await rig.Slurm.CheckLoginAsync(actor, CancellationToken.None);
        var submit = await rig.Slurm.SubmitAsync(actor, new JobRequest(SessionId.New(), "cnms", "", 1, Walltime.Default, 23456), CancellationToken.None);

        Assert.Equal(ProblemKind.GateOutdated, check.Problem?.Kind);
        Assert.Contains("the gate there is another version", check.Problem!.Message, StringComparison.Ordinal);
        Assert.Equal(ProblemKind.GateOutdated, submit.Problem?.Kind);
        var line = AuthorizedKey.PrintedLine().Match(check.Problem.Message);
        Assert.True(line.Success, check.Problem.Message);
        Assert.Equal(new GateInstallation(new ClusterCatalog([newer])).Command(_link, newer), line.Value);

        AuthorizedKey.RunAs(Login, line.Value);
        var after = await rig.Slurm.CheckLoginAsync(actor, CancellationToken.None);
        Assert.True(after.Succeeded, after.Problem?.Message);
        Assert.Single(File.ReadAllLines($"{Home}/.ssh/authorized_keys"), l => l.EndsWith(" " + KeyVault.Comment(_user), StringComparison.Ordinal));
        LocalCluster.Deauthorize(Login, KeyVault.Comment(_user));
        foreach (var gate in new[] { installed, newer }.Select(p => $"{Home}/.condobot/gate-{GateProgram.Build([p])}.gate")) File.Delete(gate);
    }

    [Fact]
    public async Task AKeyAuthorizedWithoutTheGate_IsToldTheLineThatInstallsIt_AndThatLineReplacesItsOldLine()
    {
        var user = new ChatUserId("test", "pregate-" + Guid.NewGuid().ToString("N")[..8]);
        var link = await _vault.IssueAsync(user, new ClusterUser(Login), CancellationToken.None);
        _cleanup.Add(new Disposable(() => LocalCluster.Deauthorize(Login, KeyVault.Comment(user))));
        // As the line printed before the gate had it.
        AuthorizedKey.RunAs(Login, "echo 'restrict " + link.PublicKey + "' >> ~/.ssh/authorized_keys");
        using var rig = new SlurmOverSsh(Profile(), _vault);
        var actor = new Actor(user, new ClusterUser(Login), _cluster.Name);

        var check = await rig.Slurm.CheckLoginAsync(actor, CancellationToken.None);
        var board = await rig.Slurm.GetJobAsync(actor, new SlurmJobId(1), SessionId.New(), CancellationToken.None);

        Assert.Equal(ProblemKind.GateOutdated, check.Problem?.Kind);
        Assert.Contains("the key does not run the CondoBot gate there", check.Problem!.Message, StringComparison.Ordinal);
        Assert.Equal(ProblemKind.GateOutdated, board.Problem?.Kind);
        AuthorizedKey.RunAs(Login, AuthorizedKey.PrintedLine().Match(check.Problem.Message).Value);
        Assert.True((await rig.Slurm.CheckLoginAsync(actor, CancellationToken.None)).Succeeded);
        var line = Assert.Single(File.ReadAllLines($"{Home}/.ssh/authorized_keys"), l => l.EndsWith(" " + KeyVault.Comment(user), StringComparison.Ordinal));
        Assert.StartsWith("restrict,command=", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_ThroughTheGate_RemovesTheKeysOwnLine_AndTheKeyNoLongerLogsIn()
    {
        using var rig = new SlurmOverSsh(Profile(), _vault);
        var actor = new Actor(_user, new ClusterUser(Login), _cluster.Name);

        var removed = await rig.Slurm.RemoveKeyAsync(actor, CancellationToken.None);

        Assert.True(removed.Succeeded, removed.Problem?.Message);
        Assert.True(removed.Value);
        Assert.DoesNotContain(File.ReadAllLines($"{Home}/.ssh/authorized_keys"), l => l.Contains(_link.PublicKey.Split(' ')[1], StringComparison.Ordinal));
        Assert.Equal(255, Ssh(["version"]).Exit);
    }

    private void NothingWasWritten(string authorizedKeysBefore)
    {
        var found = LocalCluster.Run("find", Home, "-name", $"*{_mark}*");
        Assert.Equal("", found.Trim());
        Assert.DoesNotContain(_mark, File.ReadAllText($"{Home}/.ssh/authorized_keys"), StringComparison.Ordinal);
        Assert.DoesNotContain(_mark, authorizedKeysBefore, StringComparison.Ordinal);
        Assert.Equal("", _cluster.Slurm("squeue", "--noheader", "--states=all", $"--name={_mark}").Trim());
    }

    private string Port => _cluster.LoginPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private ProcessStartInfo SshStart(string[] args, bool noCommand = false)
    {
        var start = new ProcessStartInfo("ssh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in Options) start.ArgumentList.Add(a);
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(Port);
        if (noCommand) foreach (var a in args) start.ArgumentList.Add(a);
        start.ArgumentList.Add(Target);
        if (!noCommand) foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    private (int Exit, string Stdout, string Stderr) Ssh(string[] args, string? stdin = null, bool noCommand = false) => Finish(SshStart(args, noCommand), stdin);

    private static (int Exit, string Stdout, string Stderr) Tool(string file, string[] args, string? stdin = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        return Finish(start, stdin);
    }

    private static (int Exit, string Stdout, string Stderr) Finish(ProcessStartInfo start, string? stdin)
    {
        using var process = Process.Start(start)!;
        process.StandardInput.Write(stdin ?? "");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish in 30 s");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>The gate on the site's default cluster (Debian 13, Slurm 24.11).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Collection(nameof(CondouserJobsCollection))]
public sealed class GateOnLocalClusterTests() : GateEndToEndTests("local");

/// <summary>The gate on the legacy cluster (the machine's own Debian 12, Slurm 22.05).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GateOnLegacyClusterTests() : GateEndToEndTests("legacy");
