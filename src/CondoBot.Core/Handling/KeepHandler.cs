using System.Globalization;
using CondoBot.Core.Commands;
using CondoBot.Core.Sessions;
using Microsoft.Extensions.Options;

namespace CondoBot.Core.Commands
{
    /// <summary>Postpone the idle question about one of the user's sessions by <paramref name="For"/>.</summary>
    public sealed record KeepCommand(SlurmJobId JobId, TimeSpan For) : Command
    {
        /// <summary><c>keep JOBID DURATION</c>: both, so that a job id is never read as a number of minutes.</summary>
        internal static ParseResult Parse(ReadOnlySpan<string> args)
        {
            if (args.Length < 2) return ParseResult.Wrong("`keep` needs the job id and how long to keep it, such as `keep 123456 2h`.", Usage.Keep);
            if (args.Length > 2) return CommandParser.Extra("keep", args[2]);
            if (!SlurmJobId.TryParse(args[0], out var job))
            {
                return ParseResult.Wrong($"`{CommandParser.Shorten(args[0])}` is not a job id; a job id is a positive number such as 123456.", Usage.Keep);
            }

            return IdleDuration.Parse(args[1]) is { } duration
                ? ParseResult.Of(new KeepCommand(job, duration))
                : ParseResult.Wrong($"`{CommandParser.Shorten(args[1])}` is not a duration: use {IdleDuration.AcceptedForms}, at most a year.", Usage.Keep);
        }
    }
}

namespace CondoBot.Core.Handling
{
    /// <summary>
    /// <c>keep JOBID DURATION</c>: the answer to the idle question. Postpones it by DURATION on the user's own ready
    /// session, and calls off a stop that was pending; anything else is refused with why, and changes nothing.
    /// </summary>
    public sealed class KeepHandler(ISessionStore sessions, IOptions<SessionOptions> options, TimeProvider time) : ICommandHandler<KeepCommand>
    {
        public async Task<Reply> HandleAsync(ChatUserId user, KeepCommand command, CancellationToken cancellationToken)
        {
            var found = await SessionLookup.FindActiveAsync(sessions, user, command.JobId, "keep", options.Value, time, cancellationToken);
            if (!found.Succeeded) return Reply.Refused(found.Problem);
            var session = found.Value;
            if (session.State == SessionState.Stopping) return Reply.Refused($"Job {command.JobId} is already stopping.", "stopping").About(session);
            if (session.State != SessionState.Ready)
            {
                return Reply.Refused($"Job {command.JobId} has no JupyterLab running yet, so there is nothing idle to keep.", "not ready").About(session);
            }

            if (session.IdleAfter is null)
            {
                return Reply.Refused($"Job {command.JobId} is not stopped when idle (started with `--idle off`, or the cluster does not ask), so there is nothing to postpone.", "not watched").About(session);
            }

            var until = time.GetUtcNow() + command.For;
            var kept = await SessionEdits.UpdateAsync(sessions, session.Id, s =>
            {
                if (s.State != SessionState.Ready) return false;
                s.IdleKeptUntil = until;
                s.IdleAskedAt = null;
                // A new chain of looks, so one already due at the end of the grace finds the question answered.
                s.PollToken++;
                s.NextStepAt = time.GetUtcNow();
                return true;
            }, cancellationToken);
            if (kept is null) return Reply.Refused($"Job {command.JobId} is no longer running JupyterLab.", "not ready").About(session);

            var at = until.UtcDateTime.ToString(until - time.GetUtcNow() >= TimeSpan.FromDays(1) ? "yyyy-MM-dd HH:mm" : "HH:mm", CultureInfo.InvariantCulture);
            return new Reply($"Keeping job {command.JobId}: I will not ask whether it is idle before {at} UTC ({Durations.Describe(command.For)}).").About(kept);
        }
    }
}
