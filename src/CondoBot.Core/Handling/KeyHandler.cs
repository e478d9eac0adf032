using CondoBot.Core.Audit;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Identity;
using CondoBot.Core.Sessions;

namespace CondoBot.Core.Handling;

/// <summary>
/// <c>key UID</c>, <c>key check</c>, <c>key revoke</c>: the delegated key the bot logs in with. Creating and forgetting
/// a key are actions on the user's behalf, so each leaves its own line in the audit trail.
/// </summary>
public sealed class KeyHandler(IKeyVault keys, ISessionWork work, ClusterCatalog clusters, IAuditLog audit, TimeProvider time)
{
    public async Task<Reply> LinkAsync(ChatUserId user, KeyLinkCommand command, CancellationToken cancellationToken)
    {
        var cluster = clusters.Default;
        var link = await keys.IssueAsync(user, command.User, cancellationToken);
        await RecordAsync(user, "key created", link.Login, cluster.Name, cancellationToken);
        var text = string.Join('\n',
            $"Linked you to cluster login `{link.Login}` with a new key. Authorize it once: log in to {cluster.LoginHost} as {link.Login} and run",
            "```",
            AuthorizedKeyLine.Command(link, cluster),
            "```",
            "The key can only run commands for the bot (no shells, no forwarding). Then `key check` tells whether it works.");
        return new Reply(text) { Login = link.Login, Cluster = cluster.Name };
    }

    public async Task<Reply> CheckAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        var link = await keys.FindAsync(user, cancellationToken);
        if (link is null) return Reply.Refused("You have no key yet. `key UID` creates one for your cluster login UID.", "no key");
        work.CheckKey(user);
        return new Reply($"Checking that I can log in to {clusters.Default.LoginHost} as {link.Login}; I'll message you the result.")
        {
            Login = link.Login,
            Cluster = clusters.Default.Name,
        };
    }

    public async Task<Reply> RevokeAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        var link = await keys.FindAsync(user, cancellationToken);
        if (link is null || !await keys.RevokeAsync(user, cancellationToken)) return Reply.Refused("You have no key; nothing to revoke.", "no key");
        await RecordAsync(user, "key revoked", link.Login, clusters.Default.Name, cancellationToken);
        var comment = link.PublicKey.Split(' ').Last();
        var text = string.Join('\n',
            "I have forgotten your key; I can no longer act on the cluster for you. Remove it from the login node too:",
            "```",
            $"sed -i '/ {comment}$/d' ~/.ssh/authorized_keys",
            "```");
        return new Reply(text) { Login = link.Login, Cluster = clusters.Default.Name };
    }

    private Task RecordAsync(ChatUserId user, string action, ClusterUser login, string cluster, CancellationToken cancellationToken) =>
        audit.RecordAsync(new AuditEntry
        {
            At = time.GetUtcNow(),
            User = user,
            Action = action,
            Outcome = AuditOutcome.Ok,
            Login = login,
            Cluster = cluster,
        }, cancellationToken);
}
