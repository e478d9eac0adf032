using Microsoft.Extensions.Logging;

namespace CondoBot.Core.Sessions;

/// <summary>
/// At start-up, queues the next step of every session that has not ended. The background queue is durable too, but it
/// lives in another store: a crash between saving a session and queueing its step (or a lost job) would otherwise
/// strand it. Extra steps are harmless: each checks the session's state and poll token and does nothing when stale.
/// </summary>
public sealed partial class SessionRecovery(ISessionStore sessions, ISessionWork work, ILogger<SessionRecovery> logger)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var active = await sessions.ListActiveAsync(cancellationToken);
        foreach (var session in active) QueueNextStep(work, session);
        if (active.Count > 0) LogResumed(active.Count);
        return active.Count;
    }

    /// <summary>Queues, to run now, the step a session in its current state waits for.</summary>
    internal static void QueueNextStep(ISessionWork work, Session session)
    {
        switch (session.State)
        {
            case SessionState.Submitting:
                work.Submit(session.Id);
                break;
            case SessionState.Stopping:
                work.Cancel(session.Id);
                break;
            default:
                work.Poll(session.Id, session.PollToken, TimeSpan.Zero);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumed {Count} active sessions")]
    private partial void LogResumed(int count);
}
