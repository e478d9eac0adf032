using System.Threading.Channels;
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
public sealed partial class DeferredSessionWork(HangfireSessionWork queue, ILogger<DeferredSessionWork> logger) : BackgroundService, ISessionWork
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly Channel<Action<ISessionWork>> _pending = Channel.CreateUnbounded<Action<ISessionWork>>(new UnboundedChannelOptions { SingleReader = true });

    public void Submit(SessionId session, TimeSpan delay = default)
    {
        if (delay > TimeSpan.Zero) queue.Submit(session, delay);
        else Defer(w => w.Submit(session));
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
        // Unbounded: a write cannot fail before the channel is completed, and it is completed only at shutdown, when
        // recovery on the next start covers what arrives late.
        if (!_pending.Writer.TryWrite(step)) LogLate();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _pending.Reader.WaitToReadAsync(stoppingToken))
            {
                while (_pending.Reader.TryPeek(out var step))
                {
                    await HandOverAsync(step, stoppingToken);
                    _pending.Reader.TryRead(out _);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync hands over what is left.
        }
    }

    /// <summary>Queues one step, retrying while the queue's storage fails.</summary>
    private async Task HandOverAsync(Action<ISessionWork> step, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                step(queue);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRetry(ex);
                await Task.Delay(RetryAfter, stoppingToken);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        _pending.Writer.TryComplete();
        // A graceful stop hands over everything taken; a failure here is left to recovery on the next start.
        while (_pending.Reader.TryRead(out var step))
        {
            try
            {
                step(queue);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRetry(ex);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not queue a session step; retrying (a restart would queue it too)")]
    private partial void LogRetry(Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "A session step arrived while stopping; the next start queues it")]
    private partial void LogLate();
}
