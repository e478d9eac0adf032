using CondoBot.Core.Audit;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Identity;
using CondoBot.Core.Sessions;

namespace CondoBot.Core.Commands
{
    /// <summary>Link the chat user to a cluster login and issue a delegated key for it.</summary>
    public sealed record KeyLinkCommand(ClusterUser User) : Command;

    public sealed record KeyCheckCommand : Command;

    public sealed record KeyRevokeCommand : Command;

    /// <summary>The <c>key</c> verb's words: a cluster login, <c>check</c> or <c>revoke</c>.</summary>
    internal static class KeyCommands
    {
        internal static ParseResult Parse(ReadOnlySpan<string> args)
        {
            if (args.Length == 0) return ParseResult.Wrong("`key` needs your cluster login, or `check`, or `revoke`.", Usage.Key);
            if (args.Length > 1) return CommandParser.Extra("key", args[1]);
            var word = args[0];
            if (string.Equals(word, "check", StringComparison.OrdinalIgnoreCase)) return ParseResult.Of(new KeyCheckCommand());
            if (string.Equals(word, "revoke", StringComparison.OrdinalIgnoreCase)) return ParseResult.Of(new KeyRevokeCommand());
            return CommandParser.LoginName().IsMatch(word)
                ? ParseResult.Of(new KeyLinkCommand(new ClusterUser(word)))
                : ParseResult.Wrong(
                    $"`{CommandParser.Shorten(word)}` is not a cluster login: use lowercase letters, digits, `_` and `-`, starting with a letter or `_`, at most 32 characters.",
                    Usage.Key);
        }
    }
}

namespace CondoBot.Core.Handling
{
    /// <summary>
    /// <c>key UID</c>, <c>key check</c>, <c>key revoke</c>: the delegated key the bot logs in with. Creating and forgetting
    /// a key are actions on the user's behalf, so each leaves its own line in the audit trail. A key that is revoked or
    /// replaced first has the gate remove its own line from <c>authorized_keys</c>, within a short wait so the reply is
    /// not held up by an unreachable login node (then the reply gives the line that removes it by hand).
    /// </summary>
    public sealed class KeyHandler(
        IKeyVault keys, ICluster cluster, IKeyInstallation installation, ISessionWork work, ClusterCatalog clusters, IAuditLog audit, TimeProvider time)
        : ICommandHandler<KeyLinkCommand>, ICommandHandler<KeyCheckCommand>, ICommandHandler<KeyRevokeCommand>
    {
        /// <summary>How long a reply waits for the login node to remove a key's line.</summary>
        public static readonly TimeSpan RemoveWait = TimeSpan.FromSeconds(2);

        public async Task<Reply> HandleAsync(ChatUserId user, KeyLinkCommand command, CancellationToken cancellationToken)
        {
            var profile = clusters.Default;
            var earlier = await keys.FindAsync(user, cancellationToken);
            var earlierNote = earlier is null ? null : Removal(earlier, profile, await RemoveLineAsync(earlier, profile, cancellationToken), "Your earlier key");
            var link = await keys.IssueAsync(user, command.User, cancellationToken);
            await RecordAsync(user, "key created", link.Login, profile.Name, cancellationToken);
            var lines = new List<string>
            {
                $"Linked you to cluster login `{link.Login}` with a new key. Authorize it once: log in to {profile.LoginHost} as {link.Login} and run",
                "```",
                installation.Command(link, profile),
                "```",
                "The key can only run the CondoBot gate, which starts JupyterLab jobs, reads and cancels your CondoBot jobs and nothing else: no shells, no forwarding, no commands or job scripts of its own.",
            };
            if (installation.ExpiresAt(link, profile) is { } expires)
            {
                lines.Add($"It stops working on {expires.UtcDateTime:yyyy-MM-dd HH:mm} UTC; `key {link.Login}` then gives you a new one.");
            }

            lines.Add("Then `key check` tells whether it works.");
            if (earlierNote is not null) lines.Add(earlierNote);
            return new Reply(string.Join('\n', lines)) { Login = link.Login, Cluster = profile.Name };
        }

        public async Task<Reply> HandleAsync(ChatUserId user, KeyCheckCommand command, CancellationToken cancellationToken)
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

        public async Task<Reply> HandleAsync(ChatUserId user, KeyRevokeCommand command, CancellationToken cancellationToken)
        {
            var profile = clusters.Default;
            var link = await keys.FindAsync(user, cancellationToken);
            if (link is null) return Reply.Refused("You have no key; nothing to revoke.", "no key");
            var removed = await RemoveLineAsync(link, profile, cancellationToken);
            if (!await keys.RevokeAsync(user, cancellationToken)) return Reply.Refused("You have no key; nothing to revoke.", "no key");
            await RecordAsync(user, "key revoked", link.Login, profile.Name, cancellationToken);
            var text = "I have forgotten your key; I can no longer act on the cluster for you.\n" + Removal(link, profile, removed, "The key");
            return new Reply(text) { Login = link.Login, Cluster = profile.Name };
        }

        /// <summary>The gate removes the key's line; a problem when it could not (in time).</summary>
        private async Task<Result<bool>> RemoveLineAsync(UserLink link, ClusterProfile profile, CancellationToken cancellationToken)
        {
            try
            {
                return await cluster.RemoveKeyAsync(new Actor(link.ChatUser, link.Login, profile.Name), cancellationToken)
                    .WaitAsync(RemoveWait, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return new Problem(ProblemKind.ClusterUnavailable, $"{profile.LoginHost} did not answer within {RemoveWait.TotalSeconds:0} seconds");
            }
        }

        private static string Removal(UserLink link, ClusterProfile profile, Result<bool> removed, string which)
        {
            if (removed.Succeeded)
            {
                return removed.Value
                    ? $"{which} was removed from ~/.ssh/authorized_keys on {profile.LoginHost}: nothing is left for you to do there."
                    : $"{which} was no longer in ~/.ssh/authorized_keys on {profile.LoginHost}: nothing is left for you to do there.";
            }

            var blob = link.PublicKey.Split(' ')[1];
            return string.Join('\n',
                $"{which} could not remove itself from {profile.LoginHost} ({removed.Problem.Message.TrimEnd('.')}). Remove it there: log in as {link.Login} and run",
                "```",
                $"sed -i '\\| {blob} |d' ~/.ssh/authorized_keys",
                "```");
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
}
