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
        foreach (var session in await sessions.ListActiveAsync(cancellationToken))
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} ({State}): its next step is {Late} overdue; queued it again")]
    private partial void LogOverdue(string sessionId, SessionState state, TimeSpan late);
}
