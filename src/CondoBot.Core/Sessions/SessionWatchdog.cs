using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CondoBot.Core.Sessions;

/// <summary>
/// Notices sessions whose next background step is overdue and queues it again. Every step records when the next one
/// is due (<see cref="Session.NextStepAt"/>); a step lost by the job queue, held up by a lock a killed process left
/// behind, or parked in a long retry delay would otherwise leave its session frozen (a user waiting on "starting"
/// while JupyterLab is long up). The step it queues runs at once and is as harmless as any repeat: a stale poll token
/// or state makes the late original a no-op. Several replicas may each do this; the outcome is the same.
/// A session still being submitted is guarded by its submission claim instead (<see cref="ISubmissionClaims"/>): while
/// a step holds a live claim it is left alone; a claim that ran out belongs to a holder that died, so the submission is
/// queued again at once (the new step takes the claim over and looks for the dead one's job before any sbatch); and a
/// submission never claimed waits <see cref="SessionOptions.SubmitOverdueAfter"/>. What a chat command sets off does not
/// depend on this: it is recorded with the command (<see cref="IStepHandOver"/>); the watchdog is for steps the job queue
/// lost or holds for a dead process.
/// </summary>
public sealed partial class SessionWatchdog(
    ISessionStore sessions,
    ISubmissionClaims claims,
    ISessionWork work,
    IOptions<SessionOptions> options,
    TimeProvider time,
    ILogger<SessionWatchdog> logger)
{
    /// <summary>Queues the step of every active session overdue by more than the grace; answers how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var overdue = 0;
        foreach (var session in await CandidatesAsync(now, cancellationToken))
        {
            var due = session.NextStepAt ?? session.CreatedAt;
            if (session.State == SessionState.Submitting)
            {
                var claimed = await claims.ClaimedUntilAsync(session.Id, cancellationToken);
                if (claimed > now) continue;
                if (claimed is null && now - due <= options.Value.SubmitOverdueAfter) continue;
                if (claimed is { } ranOut) due = ranOut;
            }
            else if (now - due <= options.Value.OverdueAfter)
            {
                continue;
            }

            overdue++;
            LogOverdue(session.Id.ToString(), session.State, now - due);
            work.Retry(SessionStep.For(session), TimeSpan.Zero);
        }

        return overdue;
    }

    /// <summary>
    /// The sessions that can be overdue now: those due longer ago than the shorter grace, and those being submitted
    /// under a claim that has run out (overdue however recently due). Every other active session is skipped by the
    /// rules below anyway, so a backlog of thousands is not read and parsed every sweep.
    /// </summary>
    private async Task<IReadOnlyList<Session>> CandidatesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var grace = options.Value.OverdueAfter < options.Value.SubmitOverdueAfter ? options.Value.OverdueAfter : options.Value.SubmitOverdueAfter;
        var candidates = (await sessions.ListActiveDueAsync(now - grace, cancellationToken)).ToList();
        var listed = candidates.Select(s => s.Id).ToHashSet();
        foreach (var id in await claims.RunOutAsync(now, cancellationToken))
        {
            if (listed.Contains(id)) continue;
            if (await sessions.GetAsync(id, cancellationToken) is { State: SessionState.Submitting } session) candidates.Add(session);
        }

        return candidates;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} ({State}): its next step is {Late} overdue; queued it again")]
    private partial void LogOverdue(string sessionId, SessionState state, TimeSpan late);
}
