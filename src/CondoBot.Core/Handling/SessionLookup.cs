using CondoBot.Core.Sessions;

namespace CondoBot.Core.Handling;

/// <summary>Finds the one active session a command means, among the asking user's own sessions only.</summary>
internal static class SessionLookup
{
    public static async Task<Result<Session>> FindActiveAsync(
        ISessionStore sessions, ChatUserId user, SlurmJobId? jobId, string verb,
        SessionOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var mine = await sessions.ListAsync(user, time.GetUtcNow() - options.ShowEndedFor, cancellationToken);
        var active = mine.Where(s => s.State.IsActive()).ToList();
        if (jobId is { } id)
        {
            var match = mine.FirstOrDefault(s => s.JobId == id);
            if (match is null)
            {
                return new Problem(ProblemKind.NotFound, $"You have no session with job id {id}. `status` lists yours.");
            }

            return match.State.IsActive()
                ? match
                : new Problem(ProblemKind.NotFound, $"Job {id} has already ended ({match.EndReason?.Describe()}).");
        }

        return active.Count switch
        {
            0 => new Problem(ProblemKind.NotFound, "You have no active session. `start` begins one."),
            1 => active[0],
            _ => new Problem(ProblemKind.BadInput,
                $"You have {active.Count} active sessions ({string.Join(", ", active.Select(s => s.JobId?.ToString() ?? "one being submitted"))}); say which: `{verb} JOBID`."),
        };
    }
}
