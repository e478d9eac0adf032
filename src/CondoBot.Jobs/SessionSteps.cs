using CondoBot.Core;
using CondoBot.Core.Diagnostics;
using CondoBot.Core.Identity;
using CondoBot.Core.Sessions;
using Hangfire;

namespace CondoBot.Jobs;

/// <summary>
/// The Hangfire entry points. Hangfire persists this type's name, these method names and their arguments, so they are
/// a contract with every job already queued: add new methods rather than changing these. Arguments are ids only;
/// each step loads current state, so running one twice (at-least-once delivery) changes nothing. Steps queued again
/// (<see cref="ISessionWork.Retry"/>) go through the <c>...Again</c> entry points, on <see cref="BacklogQueue"/>, which
/// the job queue serves after its own queue, with workers of its own for fresh steps.
/// </summary>
[AutomaticRetry(Attempts = 10)]
public sealed class SessionSteps(SessionWorkflow workflow, KeyCheck keyCheck, BacklogLogins backlog)
{
    /// <summary>The job queue's lane for fresh steps: what commands set off, and each healthy session's next step.</summary>
    public const string FreshQueue = "default";

    /// <summary>The lane for steps queued again: retries, overdue steps, submissions waiting for their turn.</summary>
    public const string BacklogQueue = "backlog";

    public Task Submit(Guid sessionId, CancellationToken cancellationToken) => Stored(() => SubmitAsync(sessionId, mayWait: false, cancellationToken));

    [Queue(BacklogQueue)]
    public Task SubmitAgain(Guid sessionId, CancellationToken cancellationToken) => Stored(() => SubmitAsync(sessionId, mayWait: true, cancellationToken));

    [Queue(BacklogQueue)]
    public Task PollAgain(Guid sessionId, int pollToken, CancellationToken cancellationToken) => Poll(sessionId, pollToken, cancellationToken);

    [Queue(BacklogQueue)]
    public Task CancelAgain(Guid sessionId, CancellationToken cancellationToken) => Cancel(sessionId, cancellationToken);

    public Task Poll(Guid sessionId, int pollToken, CancellationToken cancellationToken) =>
        Stored(() => RetryOnConflict(() => workflow.PollAsync(new SessionId(sessionId), pollToken, cancellationToken)));

    public Task Cancel(Guid sessionId, CancellationToken cancellationToken) =>
        Stored(() => RetryOnConflict(() => workflow.CancelAsync(new SessionId(sessionId), cancellationToken)));

    public Task Remind(Guid sessionId, int beforeSeconds, DateTimeOffset endsAt, CancellationToken cancellationToken) =>
        Stored(() => RetryOnConflict(() => workflow.RemindAsync(new SessionId(sessionId), TimeSpan.FromSeconds(beforeSeconds), endsAt, cancellationToken)));

    public Task SendTunnel(Guid sessionId, CancellationToken cancellationToken) =>
        Stored(() => workflow.SendTunnelAsync(new SessionId(sessionId), cancellationToken));

    public Task CheckKey(string chatUser, CancellationToken cancellationToken) =>
        ChatUserId.TryParse(chatUser, out var user) ? Stored(() => keyCheck.RunAsync(user.Value, cancellationToken)) : Task.CompletedTask;

    private async Task SubmitAsync(Guid sessionId, bool mayWait, CancellationToken cancellationToken)
    {
        var id = new SessionId(sessionId);
        if (!await backlog.TakeTurnAsync(id, mayWait, cancellationToken)) return;
        await RetryOnConflict(() => workflow.SubmitAsync(id, cancellationToken));
    }

    /// <summary>
    /// Runs a step so that the job-queue entries it makes are stored off the thread pool (<see cref="JobWriter"/>),
    /// and completes only once they are: a job, or a step run in process, is done when its follow-ups are durable.
    /// Run by a job-queue worker (a lowered thread, <see cref="BackgroundThreads"/>), the step itself runs on the thread
    /// pool at normal priority while the worker waits: its SSH and database work is what a person waits for.
    /// </summary>
    private static Task Stored(Func<Task> step) => BackgroundPriority.RunAsync(() => JobWriter.RunAsync(step));

    /// <summary>
    /// Another step (or a chat command) saved the session first: run this step again on the fresh state at once,
    /// instead of waiting for Hangfire's retry delay. Safe because every step re-reads and is idempotent.
    /// </summary>
    private static async Task RetryOnConflict(Func<Task> step)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await step();
                return;
            }
            catch (SessionConflictException) when (attempt < 5)
            {
            }
        }
    }
}
