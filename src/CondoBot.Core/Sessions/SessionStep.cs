namespace CondoBot.Core.Sessions;

public enum SessionStepKind
{
    Submit,
    Poll,
    Cancel,
}

/// <summary>
/// The step a session waits for in the state it was saved in: a session being submitted waits for its submission, one
/// stopping for its cancellation, any other active one for a look at its job under its current poll token. A command
/// that changes a session records this step with the session, in the same transaction (see
/// <see cref="IStepHandOver"/>), so an acknowledged command is on disk together with the work it set off.
/// </summary>
public readonly record struct SessionStep(SessionId Session, SessionStepKind Kind, int PollToken)
{
    public static SessionStep For(Session session) => session.State switch
    {
        SessionState.Submitting => new(session.Id, SessionStepKind.Submit, 0),
        SessionState.Stopping => new(session.Id, SessionStepKind.Cancel, 0),
        _ => new(session.Id, SessionStepKind.Poll, session.PollToken),
    };

    /// <summary>Queues the step on the background queue, to run now.</summary>
    public void QueueOn(ISessionWork work)
    {
        switch (Kind)
        {
            case SessionStepKind.Submit:
                work.Submit(Session);
                break;
            case SessionStepKind.Cancel:
                work.Cancel(Session);
                break;
            default:
                work.Poll(Session, PollToken, TimeSpan.Zero);
                break;
        }
    }
}
