using System.Collections.Concurrent;
using CondoBot.Core;
using CondoBot.Core.Sessions;
using CondoBot.Jobs;

namespace CondoBot.Host;

/// <summary>
/// Takes the queueing of a session's next step off the chat request. A command that changes a session (start, stop,
/// renew) has already committed the session in its new state when it asks for the step, and that state names the step
/// (Submitting: submit; Stopping: cancel; otherwise: poll), which is what <see cref="SessionRecovery"/> queues at
/// start-up. So the immediate steps can be handed to the background queue after the reply: if the process dies first,
/// recovery queues them on the next start; while it lives, a failed hand-over is retried. Steps are safe to run twice.
/// Work that no session state records (a tunnel message, a key check) and steps with a delay are queued at once, as
/// before, so the request does not finish until they are durable.
/// </summary>
public sealed partial class DeferredSessionWork(HangfireSessionWork queue, FaultPoints faults, ILogger<DeferredSessionWork> logger) : IHostedService, ISessionWork, IDisposable
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly BlockingCollection<Action<ISessionWork>> _pending = [];
    private readonly CancellationTokenSource _stopping = new();
    private Thread? _thread;
    private int _stopped;

    public void Submit(SessionId session, TimeSpan delay = default)
    {
        if (delay > TimeSpan.Zero) queue.Submit(session, delay);
        else Defer(w =>
        {
            w.Submit(session);
            faults.Reached(FaultPoints.AfterSubmissionQueued);
        });
    }

    public void Poll(SessionId session, int pollToken, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero) queue.Poll(session, pollToken, delay);
        else Defer(w => w.Poll(session, pollToken, TimeSpan.Zero));
    }

    public void Cancel(SessionId session, TimeSpan delay = default)
    {
        if (delay > TimeSpan.Zero) queue.Cancel(session, delay);
        else Defer(w => w.Cancel(session));
    }

    public void SendTunnel(SessionId session) => queue.SendTunnel(session);

    public void Remind(SessionId session, TimeSpan before, DateTimeOffset endsAt, TimeSpan delay) => queue.Remind(session, before, endsAt, delay);

    public void CheckKey(ChatUserId user) => queue.CheckKey(user);

    private void Defer(Action<ISessionWork> step)
    {
        try
        {
            _pending.Add(step);
        }
        catch (InvalidOperationException)
        {
            // Stopping has begun; recovery on the next start covers what arrives that late.
            LogLate();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A thread of its own: queueing a step blocks on the queue's storage, which must not hold a thread-pool thread.
        _thread = new Thread(Run) { IsBackground = true, Name = "Session step hand-over" };
        _thread.Start();
        return Task.CompletedTask;
    }

    private void Run()
    {
        try
        {
            foreach (var step in _pending.GetConsumingEnumerable(_stopping.Token)) HandOver(step);
        }
        catch (OperationCanceledException)
        {
            // Stopping: StopAsync hands over what is left.
        }
    }

    /// <summary>Queues one step, retrying while the queue's storage fails.</summary>
    private void HandOver(Action<ISessionWork> step)
    {
        while (true)
        {
            try
            {
                step(queue);
                return;
            }
            catch (Exception ex)
            {
                LogRetry(ex);
                if (_stopping.Token.WaitHandle.WaitOne(RetryAfter)) return;
            }
        }
    }

    /// <summary>A graceful stop hands over every step taken; any it cannot are left to recovery on the next start.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Once only: a host may be stopped twice, or disposed while stopping (a test server's disposal does both).
        if (!EndHandOver()) return Task.CompletedTask;
        while (_pending.TryTake(out var step))
        {
            try
            {
                step(queue);
            }
            catch (Exception ex)
            {
                LogRetry(ex);
                break;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Ends the hand-over thread; answers whether this call did it. The queue and the token source are never disposed:
    /// neither holds anything a finalizer would not release, and disposing them could pull them from under a stop
    /// still draining on another thread.
    /// </summary>
    private bool EndHandOver()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return false;
        _pending.CompleteAdding();
        _stopping.Cancel();
        _thread?.Join();
        return true;
    }

    public void Dispose() => EndHandOver();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not queue a session step (a restart would queue it too)")]
    private partial void LogRetry(Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "A session step arrived while stopping; the next start queues it")]
    private partial void LogLate();
}
