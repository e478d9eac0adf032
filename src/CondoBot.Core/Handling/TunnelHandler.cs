using CondoBot.Core.Commands;
using CondoBot.Core.Sessions;
using Microsoft.Extensions.Options;

namespace CondoBot.Core.Handling;

/// <summary><c>tunnel [JOBID]</c>: queues a fresh copy of the connection instructions for a running session.</summary>
public sealed class TunnelHandler(ISessionStore sessions, ISessionWork work, IOptions<SessionOptions> options, TimeProvider time)
{
    public async Task<Reply> HandleAsync(ChatUserId user, TunnelCommand command, CancellationToken cancellationToken)
    {
        var found = await SessionLookup.FindActiveAsync(sessions, user, command.JobId, "tunnel", options.Value, time, cancellationToken);
        if (!found.Succeeded) return found.Problem.Message;

        var session = found.Value;
        if (session.State != SessionState.Ready)
        {
            return $"Job {session.JobId?.ToString() ?? "(not yet submitted)"} is {session.State.ToString().ToLowerInvariant()}; you will get the instructions as soon as JupyterLab answers.";
        }

        work.SendTunnel(session.Id);
        return $"Sending the connection instructions for job {session.JobId} by direct message.";
    }
}
