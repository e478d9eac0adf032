using System.Diagnostics;
using CondoBot.Cluster.Gate;
using CondoBot.Cluster.Keys;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Identity;
using CondoBot.Testing;
using Microsoft.AspNetCore.DataProtection;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Utilities;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// People whose login shell is tcsh or fish (users of the machine made by <c>cluster.sh up</c>), behind a real sshd: a
/// private copy of the legacy cluster's login node that also lets them in. The bot's key, authorized with exactly the
/// line the bot prints (run in their own login shell, as they would paste it), reaches the gate, whose forced command
/// sshd hands to that shell; the gate answers its verbs and refuses anything else.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GateLoginShellTests : IDisposable
{
    private readonly LocalCluster _cluster = LocalCluster.Get("legacy");
    private readonly KeyVault _vault = new(new MemoryKeyStore(), new EphemeralDataProtectionProvider(), TimeProvider.System);
    private readonly ChatUserId _user = new("test", "shell-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _dir = Directory.CreateTempSubdirectory("condobot-shell-").FullName;
    private readonly List<Action> _cleanup = [];

    public void Dispose()
    {
        foreach (var undo in _cleanup) undo();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("condotcsh", "/usr/bin/tcsh")]
    [InlineData("condofish", "/usr/bin/fish")]
    public async Task TheGateKey_AuthorizedWithThePrintedLine_GetsTheGatesAnswers_AndPlainCommandsAreRefused(string login, string shell)
    {
        var entry = LocalCluster.Run("getent", "passwd", login).Trim().Split(':');
        Assert.True(entry.Length == 7 && entry[6] == shell, $"{login} must exist with login shell {shell}: run `bash deploy/local-cluster/cluster.sh up` (the shells come with tests/run.sh)");
        var profile = _cluster.Profile(name: _cluster.Name);
        var link = await _vault.IssueAsync(_user, new ClusterUser(login), CancellationToken.None);
        AuthorizedKey.RunAs(login, new GateInstallation(new ClusterCatalog([profile])).Command(link, profile));
        _cleanup.Add(() => LocalCluster.Deauthorize(login, KeyVault.Comment(_user)));
        await WriteBotKeyAsync();
        using var sshd = new PrivateSshd(PrintedTunnel.FreePort(), $"AllowUsers={login}");

        var version = Ssh(sshd.Port, login, "version");
        var identity = Ssh(sshd.Port, login, "identity");
        var id = Ssh(sshd.Port, login, "id");
        var listing = Ssh(sshd.Port, login, "ls -a");
        var loginShell = Ssh(sshd.Port, login, null);

        Assert.Equal((0, $"condobot-gate {GateProgram.Protocol} {GateProgram.Build([profile])}"), (version.Exit, version.Stdout.Trim()));
        Assert.Equal((0, login), (identity.Exit, identity.Stdout.Trim()));
        foreach (var refused in new[] { id, listing, loginShell })
        {
            Assert.Equal(126, refused.Exit);
            Assert.Equal("", refused.Stdout);
            Assert.Contains("condobot-gate: refused", refused.Stderr, StringComparison.Ordinal);
        }
    }

    private async Task WriteBotKeyAsync()
    {
        var seed = (await _vault.UnsealAsync(_user, CancellationToken.None))!.Seed;
        BotKeyFile.Write(Path.Combine(_dir, "id_ed25519"), seed);
    }

    /// <summary>ssh with the bot's key as a thief would use it; no command (null) asks for a login shell.</summary>
    private (int Exit, string Stdout, string Stderr) Ssh(int port, string login, string? command)
    {
        var hostKey = File.ReadAllText(_cluster.HostKeyFile).Trim().Split(' ');
        var known = Path.Combine(_dir, "known_hosts");
        File.WriteAllText(known, $"[{_cluster.LoginHost}]:{port} {hostKey[0]} {hostKey[1]}\n");
        var start = new ProcessStartInfo("ssh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "-i", Path.Combine(_dir, "id_ed25519"), "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=" + known,
                     "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     $"{login}@{_cluster.LoginHost}" })
        {
            start.ArgumentList.Add(a);
        }

        if (command is not null) start.ArgumentList.Add(command);
        using var ssh = Process.Start(start)!;
        ssh.StandardInput.Close();
        var stdout = ssh.StandardOutput.ReadToEndAsync();
        var stderr = ssh.StandardError.ReadToEndAsync();
        Assert.True(ssh.WaitForExit(30_000), "ssh did not finish in 30 s");
        return (ssh.ExitCode, stdout.Result, stderr.Result);
    }
}
