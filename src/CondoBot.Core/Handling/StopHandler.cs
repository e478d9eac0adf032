using CondoBot.Core.Commands;
using CondoBot.Core.Sessions;
using Microsoft.Extensions.Options;

namespace CondoBot.Core.Commands
{
    /// <summary>Stop one session (by job id) or, without one, the user's only active session.</summary>
    public sealed record StopCommand(SlurmJobId? JobId) : JobCommand(JobId)
    {
        internal static ParseResult Parse(ReadOnlySpan<string> args) => CommandParser.OptionalJob(args, "stop", id => new StopCommand(id));
    }
}

namespace CondoBot.Core.Handling
{
    /// <summary>
    /// <c>stop [JOBID]</c>: marks the user's own session as stopping, with its cancellation recorded alongside. A follow-on queued behind
    /// it is stopped too: stopping means "I am done", not "start the next one now".
    /// </summary>
    public sealed class StopHandler(ISessionStore sessions, IOptions<SessionOptions> options, TimeProvider time) : ICommandHandler<StopCommand>
    {
        public async Task<Reply> HandleAsync(ChatUserId user, StopCommand command, CancellationToken cancellationToken)
        {
            var found = await SessionLookup.FindActiveAsync(sessions, user, command.JobId, "stop", options.Value, time, cancellationToken);
            if (!found.Succeeded) return Reply.Refused(found.Problem);
            if (found.Value.State == SessionState.Stopping)
            {
                return new Reply($"Job {found.Value.JobId} is already stopping; I'll tell you when it has ended.").About(found.Value);
            }

            var stopped = await StopAsync(found.Value.Id, cancellationToken);
            if (stopped is null) return Reply.Refused("That session has just ended.", "already ended").About(found.Value);
            var followOn = stopped.FollowOn is { } next ? await StopAsync(next, cancellationToken) : null;

            var reply = stopped.JobId is { } job
                ? $"Stopping job {job}. I'll tell you when it has ended."
                : "Stopping your session before it reaches the queue. I'll tell you when it has ended.";
            return new Reply(followOn is null ? reply : reply + $" Its follow-on{(followOn.JobId is { } f ? $" (job {f})" : "")} is stopped too.").About(stopped);
        }

        private Task<Session?> StopAsync(SessionId id, CancellationToken cancellationToken) =>
            SessionEdits.UpdateAsync(sessions, id, s => s.BeginStop(time.GetUtcNow()), cancellationToken);
    }
}
