using CondoBot.Core;
using CondoBot.Core.Sessions;
using Hangfire;

namespace CondoBot.Jobs;

/// <summary>
/// Queues the core's session steps as durable Hangfire jobs, and runs a recorded step in process
/// (<see cref="RunNowAsync"/>) through the same entry points, without a round trip through Hangfire's storage. What a
/// step queues is stored by <see cref="JobWriter"/>, off the thread pool.
/// </summary>
public sealed class HangfireSessionWork(IBackgroundJobClient jobs, Func<SessionSteps> steps, JobWriter writer) : ISessionWork
{
    /// <summary>The step's own record is its durability: the hand-over keeps it until this has run.</summary>
    public Task RunNowAsync(SessionStep step, CancellationToken cancellationToken)
    {
        var run = steps();
        return step.Kind switch
        {
            SessionStepKind.Submit => run.Submit(step.Session.Value, cancellationToken),
            SessionStepKind.Cancel => run.Cancel(step.Session.Value, cancellationToken),
            _ => run.Poll(step.Session.Value, step.PollToken, cancellationToken),
        };
    }

    public void Submit(SessionId session, TimeSpan delay = default) =>
        Run(delay, s => s.Submit(session.Value, CancellationToken.None));

    public void Poll(SessionId session, int pollToken, TimeSpan delay) =>
        Run(delay, s => s.Poll(session.Value, pollToken, CancellationToken.None));

    public void Cancel(SessionId session, TimeSpan delay = default) =>
        Run(delay, s => s.Cancel(session.Value, CancellationToken.None));

    public void SendTunnel(SessionId session) =>
        Run(TimeSpan.Zero, s => s.SendTunnel(session.Value, CancellationToken.None));

    public void Remind(SessionId session, TimeSpan before, DateTimeOffset endsAt, TimeSpan delay) =>
        Run(delay, s => s.Remind(session.Value, (int)before.TotalSeconds, endsAt, CancellationToken.None));

    public void CheckKey(ChatUserId user) =>
        Run(TimeSpan.Zero, s => s.CheckKey(user.ToString(), CancellationToken.None));

    /// <summary>On the backlog lane (<see cref="SessionSteps.BacklogQueue"/>): the same steps, under other entry points.</summary>
    public void Retry(SessionStep step, TimeSpan delay)
    {
        var id = step.Session.Value;
        var token = step.PollToken;
        switch (step.Kind)
        {
            case SessionStepKind.Submit:
                Run(delay, s => s.SubmitAgain(id, CancellationToken.None));
                break;
            case SessionStepKind.Cancel:
                Run(delay, s => s.CancelAgain(id, CancellationToken.None));
                break;
            default:
                Run(delay, s => s.PollAgain(id, token, CancellationToken.None));
                break;
        }
    }

    private void Run(TimeSpan delay, System.Linq.Expressions.Expression<Func<SessionSteps, Task>> step)
    {
        // Inside a step, on a writer thread (the step completes once it is stored); else here. The time is fixed now, so
        // a wait for the writer does not make a scheduled step later.
        if (delay <= TimeSpan.Zero)
        {
            writer.Write(() => jobs.Enqueue(step));
            return;
        }

        var at = DateTimeOffset.UtcNow + delay;
        writer.Write(() => jobs.Schedule(step, at));
    }
}
