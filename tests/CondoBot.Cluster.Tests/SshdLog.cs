using System.Text.RegularExpressions;
using CondoBot.Testing;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// What the local login node's sshd logged since this mark, for one key: the connections it accepted (by client port)
/// and the commands started on them. Other tests share the sshd, so everything is told apart by key fingerprint.
/// </summary>
internal sealed partial class SshdLog(string path, string fingerprint)
{
    private readonly long _from = new FileInfo(path).Length;

    public static SshdLog Mark(string publicKeyLine) =>
        new(LocalCluster.Get().SshdLog, LocalCluster.Run("ssh-keygen", ["-lf", "-"], publicKeyLine + "\n").Split(' ')[1]);

    /// <summary>Client ports of the connections accepted with the key, in order.</summary>
    public List<string> Connections() => Lines().Select(l => Accepted().Match(l))
        .Where(m => m.Success && m.Groups["fp"].Value == fingerprint).Select(m => m.Groups["port"].Value).ToList();

    public int Commands()
    {
        var ports = Connections().ToHashSet();
        return Lines().Select(l => Command().Match(l)).Count(m => m.Success && ports.Contains(m.Groups["port"].Value));
    }

    public bool Disconnected(string port) => Lines().Any(l => l.EndsWith(" port " + port, StringComparison.Ordinal) && l.StartsWith("Disconnected from user ", StringComparison.Ordinal));

    /// <summary>For a baseline only: gives sshd a moment to write what the commands just answered caused.</summary>
    public static Task SettleAsync() => Task.Delay(500);

    /// <summary>Waits, up to 10 s, until sshd has logged at least <paramref name="count"/> commands with the key.</summary>
    public Task WaitForCommandsAsync(int count) => WaitUntilAsync(() => Commands() >= count, $"{count} commands");

    /// <summary>Waits, up to 10 s, until sshd has logged at least <paramref name="count"/> connections with the key.</summary>
    public Task WaitForConnectionsAsync(int count) => WaitUntilAsync(() => Connections().Count >= count, $"{count} connections");

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"sshd did not log {what} within 10 s");
            await Task.Delay(50);
        }
    }

    /// <summary>Ends one connection on the login node, as a restarted sshd or a firewall would: its sshd processes are killed.</summary>
    public static void KillConnection(string clientPort)
    {
        var sockets = LocalCluster.Run("ss", ["-tnpH", "state", "established", $"( sport = :{LocalCluster.Get().LoginPort} and dport = :{clientPort} )"]);
        var pids = Pid().Matches(sockets).Select(m => m.Groups["pid"].Value).Distinct().ToArray();
        if (pids.Length == 0) throw new InvalidOperationException($"no sshd process serves client port {clientPort}");
        // Killing one of a connection's processes can end the other before its turn: not an error.
        LocalCluster.Run("bash", "-c", $"kill -KILL {string.Join(' ', pids)} 2>/dev/null; true");
    }

    private string[] Lines()
    {
        using var log = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        log.Seek(_from, SeekOrigin.Begin);
        // sshd -E ends its lines with CRLF.
        return new StreamReader(log).ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }

    [GeneratedRegex(@"Accepted publickey for \S+ from \S+ port (?<port>\d+) ssh2: ED25519 (?<fp>SHA256:\S+)")]
    private static partial Regex Accepted();

    /// <summary>A command started on a connection; with the gate, sshd names the forced command it ran instead.</summary>
    [GeneratedRegex(@"Starting session: (command|forced-command \(key-option\) '[^']*') for \S+ from \S+ port (?<port>\d+)")]
    private static partial Regex Command();

    [GeneratedRegex(@"pid=(?<pid>\d+)")]
    private static partial Regex Pid();
}
