using CondoBot.Core.Commands;
using CondoBot.Core.Sessions;
using Microsoft.Extensions.Options;

namespace CondoBot.Core.Commands
{
    /// <summary>Send the connection instructions again (after a laptop slept, say).</summary>
    public sealed record TunnelCommand(SlurmJobId? JobId) : JobCommand(JobId)
    {
        internal static ParseResult Parse(ReadOnlySpan<string> args) => CommandParser.OptionalJob(args, "tunnel", id => new TunnelCommand(id));
    }
}

namespace CondoBot.Core.Handling
{
    /// <summary><c>tunnel [JOBID]</c>: queues a fresh copy of the connection instructions for a running session.</summary>
    public sealed class TunnelHandler(ISessionStore sessions, ISessionWork work, IOptions<SessionOptions> options, TimeProvider time) : ICommandHandler<TunnelCommand>
    {
        public async Task<Reply> HandleAsync(ChatUserId user, TunnelCommand command, CancellationToken cancellationToken)
        {
            var found = await SessionLookup.FindActiveAsync(sessions, user, command.JobId, "tunnel", options.Value, time, cancellationToken);
            if (!found.Succeeded) return Reply.Refused(found.Problem);

            var session = found.Value;
            if (session.State != SessionState.Ready)
            {
                return new Reply($"Job {session.JobId?.ToString() ?? "(not yet submitted)"} is {session.State.ToString().ToLowerInvariant()}; you will get the instructions as soon as JupyterLab answers.").About(session);
            }

            work.SendTunnel(session.Id);
            return new Reply($"Sending the connection instructions for job {session.JobId} by direct message.").About(session);
        }
    }
}
