using CondoBot.Core.Commands;
using CondoBot.Core.Sessions;
using Microsoft.Extensions.Options;

namespace CondoBot.Core.Commands
{
    /// <summary>Queue a follow-on session that starts when this one ends (same settings, fresh tunnel).</summary>
    public sealed record RenewCommand(SlurmJobId? JobId) : JobCommand(JobId)
    {
        internal static ParseResult Parse(ReadOnlySpan<string> args) => CommandParser.OptionalJob(args, "renew", id => new RenewCommand(id));
    }
}

namespace CondoBot.Core.Handling
{
    /// <summary>
    /// <c>renew [JOBID]</c>: asks for a follow-on session with the same settings, which Slurm starts when this one's job
    /// ends (<c>afterany</c>). The poll step recorded with the change creates and submits it.
    /// </summary>
    public sealed class RenewHandler(ISessionStore sessions, IOptions<SessionOptions> options, TimeProvider time) : ICommandHandler<RenewCommand>
    {
        public async Task<Reply> HandleAsync(ChatUserId user, RenewCommand command, CancellationToken cancellationToken)
        {
            var found = await SessionLookup.FindActiveAsync(sessions, user, command.JobId, "renew", options.Value, time, cancellationToken);
            if (!found.Succeeded) return Reply.Refused(found.Problem);
            var session = found.Value;
            if (session.State == SessionState.Stopping) return Reply.Refused($"Job {session.JobId} is stopping; start a new session instead.", "stopping").About(session);
            if (session.FollowOn is not null || session.KeepAlive) return Reply.Refused($"Job {session.JobId} already has a follow-on session queued.", "follow-on already queued").About(session);

            var renewed = await SessionEdits.UpdateAsync(sessions, session.Id, s =>
            {
                if (s.KeepAlive || !s.State.IsActive() || s.State == SessionState.Stopping) return false;
                s.KeepAlive = true;
                s.PollToken++;
                s.NextStepAt = time.GetUtcNow();
                return true;
            }, cancellationToken);
            if (renewed is null) return Reply.Refused($"Job {session.JobId} has just ended or changed; `status` shows where it is.", "ended or changed").About(session);

            return new Reply($"Queueing a follow-on session for job {renewed.JobId?.ToString() ?? "(being submitted)"}: same settings, it starts when this one ends, and I'll send fresh connection instructions then.").About(renewed);
        }
    }
}
