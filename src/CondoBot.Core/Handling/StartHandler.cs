using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Identity;
using CondoBot.Core.Sessions;

namespace CondoBot.Core.Handling;

/// <summary><c>start</c>: records a session together with its submission step; the user hears back by direct message.</summary>
public sealed class StartHandler(
    IKeyVault keys,
    ISessionStore sessions,
    ClusterCatalog clusters,
    TimeProvider time) : ICommandHandler<StartCommand>
{
    public async Task<Reply> HandleAsync(ChatUserId user, StartCommand command, CancellationToken cancellationToken)
    {
        var link = await keys.FindAsync(user, cancellationToken);
        if (link is null)
        {
            return Reply.Refused(
                "You have not linked a cluster login yet. Run `key UID` with your cluster login, authorize the key it gives you once, then `start` again.",
                "no linked login");
        }

        var now = time.GetUtcNow();
        var cluster = command.Options.Cluster is { } name ? clusters.Find(name) : clusters.Default;
        if (cluster is null)
        {
            return Reply.Refused(
                $"There is no cluster named `{command.Options.Cluster}`. Clusters: {string.Join(", ", clusters.All.Select(c => c.Name))}.",
                "unknown cluster") with { Login = link.Login };
        }

        if (cluster.EnvironmentFor(command.Options.Environment) is null)
        {
            var names = cluster.Environments.Keys.Order(StringComparer.Ordinal).ToList();
            return Reply.Refused(
                names.Count == 0
                    ? $"{cluster.Name} has no environments to choose from; leave `--env` out to use its own setup."
                    : $"{cluster.Name} has no environment `{command.Options.Environment}`. Environments: {string.Join(", ", names)} (`envs` describes them).",
                "unknown environment") with { Login = link.Login, Cluster = cluster.Name };
        }

        var wanted = command.Options;
        int localPort;
        if (wanted.LocalPortChosen)
        {
            // Only the active ones matter here: ended since now is none, so the store reads no ended session.
            var active = await sessions.ListAsync(user, now, cancellationToken);
            var clash = active.FirstOrDefault(s => s.State.IsActive() && s.LocalPort == wanted.LocalPort);
            if (clash is not null)
            {
                return Reply.Refused(
                    $"Port {wanted.LocalPort} is already used by your session {Describe(clash)}. Pick another with `-p PORT`, or leave `-p` out and I will choose a free one.",
                    "local port in use") with { Login = link.Login, Cluster = cluster.Name };
            }

            localPort = wanted.LocalPort;
        }
        else
        {
            // Not a list of the user's ports: a busy user has many active sessions, and reading them was most of a start's work.
            localPort = await sessions.FreeLocalPortAsync(user, wanted.LocalPort, cancellationToken);
            if (localPort > LocalPorts.Highest)
            {
                return Reply.Refused(
                    $"There is no free local port after your sessions' ports (one of them uses {LocalPorts.Highest}, the highest). Pick a free one with `-p PORT`, or stop a session.",
                    "no free local port") with { Login = link.Login, Cluster = cluster.Name };
            }
        }

        var nodePort = Random.Shared.Next(cluster.NodePortMin, cluster.NodePortMax);
        var session = Session.Create(SessionId.New(), user, link.Login, cluster, wanted, localPort, nodePort, now);
        // The session and its submission step are one write: once this returns, both are on disk.
        await sessions.AddAsync(session, cancellationToken);

        var account = session.Account.Length > 0 ? $"account {session.Account}" : "your default account";
        var partition = session.Partition.Length > 0 ? $", partition {session.Partition}" : "";
        var nodes = (session.Nodes == 1 ? "1 node" : $"{session.Nodes} nodes") + (session.Gpus > 0 ? $", {session.Gpus} GPU{(session.Gpus == 1 ? "" : "s")} per node" : "");
        var environment = session.Environment.Length > 0 ? $", environment {session.Environment}" : "";
        var reply = $"Submitting JupyterLab on {cluster.Name} as {link.Login} ({account}{partition}, {nodes}, {wanted.Walltime}{environment}). " +
            "I'll message you when it is ready." +
            (wanted.KeepAlive ? " A follow-on session will be queued to start when this one ends." : "");
        if (wanted.Verbose)
        {
            reply += $"\nSession {session.Id}; your local port will be {localPort}; JupyterLab will listen on port {nodePort} of the node.";
        }

        return new Reply(reply).About(session);
    }

    private static string Describe(Session session) => session.JobId is { } job ? $"job {job}" : "being submitted";
}
