using CondoBot.Core.Clusters;

namespace CondoBot.Core.Identity;

/// <summary>
/// The one shell line a user runs on the login node to trust their delegated key. The key is restricted
/// (<c>restrict</c>: no forwarding, no pty) and, when the bot's address is known, usable only from there.
/// </summary>
public static class AuthorizedKeyLine
{
    public static string Options(ClusterProfile cluster) =>
        string.IsNullOrEmpty(cluster.BotAddress) ? "restrict" : $"restrict,from=\"{cluster.BotAddress}\"";

    public static string Entry(UserLink link, ClusterProfile cluster) => $"{Options(cluster)} {link.PublicKey}";

    /// <summary>The command to paste on the login node. The entry holds only base64, letters and the bot's address.</summary>
    public static string Command(UserLink link, ClusterProfile cluster) =>
        "mkdir -p ~/.ssh && chmod 700 ~/.ssh && echo '" + Entry(link, cluster)
        + "' >> ~/.ssh/authorized_keys && chmod 600 ~/.ssh/authorized_keys";
}
