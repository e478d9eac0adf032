namespace CondoBot.Testing;

/// <summary>
/// A person's own SSH key (not the bot's), made with ssh-keygen and authorized for a test user, so a test can run the
/// tunnel command the bot printed just as that person would.
/// </summary>
public sealed class UserKey : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("condobot-userkey-").FullName;
    private readonly string _user;

    public UserKey(string user, LocalCluster cluster)
    {
        _user = user;
        LocalCluster.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", Comment, "-f", KeyFile);
        LocalCluster.Authorize(user, File.ReadAllText(KeyFile + ".pub").Trim());
        var hostKey = File.ReadAllText("/etc/ssh/ssh_host_ed25519_key.pub").Trim().Split(' ');
        File.WriteAllText(KnownHosts, $"[{cluster.LoginHost}]:{cluster.LoginPort} {hostKey[0]} {hostKey[1]}\n");
    }

    public string Comment => "person-" + Path.GetFileName(_dir);

    public string KeyFile => Path.Combine(_dir, "id_ed25519");

    public string KnownHosts => Path.Combine(_dir, "known_hosts");

    /// <summary>The options this person's ssh would take from their own ~/.ssh: identity and known hosts.</summary>
    public string[] IdentityOptions =>
        ["-i", KeyFile, "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=" + KnownHosts, "-o", "StrictHostKeyChecking=yes",
         "-o", "ExitOnForwardFailure=yes", "-o", "BatchMode=yes"];

    public void Dispose()
    {
        LocalCluster.Deauthorize(_user, Comment);
        Directory.Delete(_dir, recursive: true);
    }
}
