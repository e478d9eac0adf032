using CondoBot.Core.Commands;
using CondoBot.Core.Sessions;
using Microsoft.Extensions.Options;

namespace CondoBot.Core.Handling;

/// <summary><c>stop [JOBID]</c>: marks the user's own session as stopping and queues the cancellation.</summary>
public sealed class StopHandler(ISessionStore sessions, ISessionWork work, IOptions<SessionOptions> options, TimeProvider time)
{
    public async Task<Reply> HandleAsync(ChatUserId user, StopCommand command, CancellationToken cancellationToken)
    {
        var found = await SessionLookup.FindActiveAsync(sessions, user, command.JobId, "stop", options.Value, time, cancellationToken);
        if (!found.Succeeded) return found.Problem.Message;

        var session = found.Value;
        if (session.State == SessionState.Stopping)
        {
            return $"Job {session.JobId} is already stopping; I'll tell you when it has ended.";
        }

        session.State = SessionState.Stopping;
        session.PollToken++;
        await sessions.SaveAsync(session, [], cancellationToken);
        work.Cancel(session.Id);
        return session.JobId is { } job
            ? $"Stopping job {job}. I'll tell you when it has ended."
            : "Stopping your session before it reaches the queue. I'll tell you when it has ended.";
    }
}
