using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Identity;
using CondoBot.Core.Sessions;

namespace CondoBot.Core.Handling;

/// <summary><c>key UID</c>, <c>key check</c>, <c>key revoke</c>: the delegated key the bot logs in with.</summary>
public sealed class KeyHandler(IKeyVault keys, ISessionWork work, ClusterCatalog clusters)
{
    public async Task<Reply> LinkAsync(ChatUserId user, KeyLinkCommand command, CancellationToken cancellationToken)
    {
        var cluster = clusters.Default;
        var link = await keys.IssueAsync(user, command.User, cancellationToken);
        return string.Join('\n',
            $"Linked you to cluster login `{link.Login}` with a new key. Authorize it once: log in to {cluster.LoginHost} as {link.Login} and run",
            "```",
            AuthorizedKeyLine.Command(link, cluster),
            "```",
            "The key can only run commands for the bot (no shells, no forwarding). Then `key check` tells whether it works.");
    }

    public async Task<Reply> CheckAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        var link = await keys.FindAsync(user, cancellationToken);
        if (link is null) return "You have no key yet. `key UID` creates one for your cluster login UID.";
        work.CheckKey(user);
        return $"Checking that I can log in to {clusters.Default.LoginHost} as {link.Login}; I'll message you the result.";
    }

    public async Task<Reply> RevokeAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        var link = await keys.FindAsync(user, cancellationToken);
        if (link is null || !await keys.RevokeAsync(user, cancellationToken)) return "You have no key; nothing to revoke.";
        var comment = link.PublicKey.Split(' ').Last();
        return string.Join('\n',
            "I have forgotten your key; I can no longer act on the cluster for you. Remove it from the login node too:",
            "```",
            $"sed -i '/ {comment}$/d' ~/.ssh/authorized_keys",
            "```");
    }
}
