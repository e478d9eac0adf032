using System.Diagnostics;

namespace CondoBot.Testing;

/// <summary>
/// A person's own SSH key (not the bot's), made with ssh-keygen and authorized for a test user, so a test can run the
/// tunnel commands the bot printed just as that person would: with their own ~/.ssh/config (identity, known hosts of
/// the site's login nodes, nodes and external login host, the agent forwarded to the external login host, as the
/// step-by-step variant needs there) and their own ssh-agent.
/// </summary>
public sealed class UserKey : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("condobot-userkey-").FullName;
    private readonly string _user;
    private Process? _agent;

    public UserKey(string user, LocalCluster cluster)
    {
        _user = user;
        LocalCluster.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", Comment, "-f", KeyFile);
        LocalCluster.Authorize(user, File.ReadAllText(KeyFile + ".pub").Trim());
        var known = LocalCluster.All().Select(c => $"[{c.LoginHost}]:{c.LoginPort} {KeyOf(c.HostKeyFile)}").ToList();
        known.Add($"{cluster.ExternalLoginHost} {KeyOf(cluster.ExternalHostKeyFile)}");
        // The nodes a person logs in to through the login node (-J), by the name the printed command gives them.
        known.AddRange(LocalCluster.All().Where(c => c.NodeSsh).Select(c => $"{c.Node} {KeyOf(c.NodeHostKeyFile)}"));
        File.WriteAllLines(KnownHosts, known);
        File.WriteAllText(ConfigFile, $"""
            Host {cluster.ExternalLoginHost}
              ForwardAgent yes
            Host *
              IdentityFile {KeyFile}
              IdentitiesOnly yes
              UserKnownHostsFile {KnownHosts}
              StrictHostKeyChecking yes
              ExitOnForwardFailure yes
              BatchMode yes
            """);
    }

    public string Comment => "person-" + Path.GetFileName(_dir);

    public string KeyFile => Path.Combine(_dir, "id_ed25519");

    public string KnownHosts => Path.Combine(_dir, "known_hosts");

    /// <summary>This person's ~/.ssh/config.</summary>
    public string ConfigFile => Path.Combine(_dir, "config");

    /// <summary>The options this person's ssh would take from their own ~/.ssh: identity and known hosts.</summary>
    public string[] IdentityOptions =>
        ["-i", KeyFile, "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=" + KnownHosts, "-o", "StrictHostKeyChecking=yes",
         "-o", "ExitOnForwardFailure=yes", "-o", "BatchMode=yes"];

    /// <summary>The socket of this person's ssh-agent holding the key (started on first use).</summary>
    public string AgentSocket
    {
        get
        {
            var socket = Path.Combine(_dir, "agent.sock");
            if (_agent is not null) return socket;
            var start = new ProcessStartInfo("ssh-agent") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-D", "-a", socket }) start.ArgumentList.Add(a);
            _agent = Process.Start(start)!;
            for (var i = 0; i < 50 && !File.Exists(socket); i++) Thread.Sleep(100);
            var add = new ProcessStartInfo("ssh-add") { RedirectStandardError = true, RedirectStandardOutput = true };
            add.ArgumentList.Add("-q");
            add.ArgumentList.Add(KeyFile);
            add.Environment["SSH_AUTH_SOCK"] = socket;
            using var adding = Process.Start(add)!;
            adding.WaitForExit();
            if (adding.ExitCode != 0) throw new InvalidOperationException("ssh-add failed: " + adding.StandardError.ReadToEnd());
            return socket;
        }
    }

    private static string KeyOf(string publicKeyFile) => string.Join(' ', File.ReadAllText(publicKeyFile).Trim().Split(' ')[..2]);

    public void Dispose()
    {
        if (_agent is { HasExited: false }) _agent.Kill();
        _agent?.Dispose();
        LocalCluster.Deauthorize(_user, Comment);
        Directory.Delete(_dir, recursive: true);
    }
}
