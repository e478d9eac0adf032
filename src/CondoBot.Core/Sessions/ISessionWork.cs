namespace CondoBot.Core.Sessions;

/// <summary>
/// The background-work seam: durable steps that run outside the chat request, at least once each, and survive restarts.
/// Steps take ids only; each step loads current state and is safe to run twice.
/// </summary>
public interface ISessionWork
{
    void Submit(SessionId session, TimeSpan delay = default);

    void Poll(SessionId session, int pollToken, TimeSpan delay);

    void Cancel(SessionId session, TimeSpan delay = default);

    void SendTunnel(SessionId session);

    /// <summary>Sends the reminder <paramref name="before"/> the end time the reminders were scheduled for.</summary>
    void Remind(SessionId session, TimeSpan before, DateTimeOffset endsAt, TimeSpan delay);

    void CheckKey(ChatUserId user);

    /// <summary>
    /// Carries out a recorded step now, in this process, completing once it has run; throws if it failed (the caller
    /// then queues it, for the queue's retries). A work queue that cannot run steps in process queues it instead: this
    /// default.
    /// </summary>
    Task RunNowAsync(SessionStep step, CancellationToken cancellationToken)
    {
        step.QueueOn(this);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Queues a step again after <paramref name="delay"/>: one that could not be done (an unreachable login node), was
    /// found overdue, or was put back for its turn (<see cref="BacklogLogins"/>). The job queue runs these on a lane of
    /// their own, after fresh steps, so a backlog of failing sessions does not hold up everyone else's.
    /// </summary>
    void Retry(SessionStep step, TimeSpan delay)
    {
        switch (step.Kind)
        {
            case SessionStepKind.Submit:
                Submit(step.Session, delay);
                break;
            case SessionStepKind.Cancel:
                Cancel(step.Session, delay);
                break;
            default:
                Poll(step.Session, step.PollToken, delay);
                break;
        }
    }
}
