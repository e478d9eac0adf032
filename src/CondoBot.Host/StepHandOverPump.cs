using System.Collections.Concurrent;
using CondoBot.Core.Sessions;

namespace CondoBot.Host;

/// <summary>
/// Carries out the steps chat commands recorded (<see cref="IStepHandOver"/>): runs each in this process
/// (<see cref="ISessionWork.RunNowAsync"/>), a few at a time, and marks it done once it has run; a step that failed is
/// queued on the job queue instead, for its retries, and then marked done. So the first run of a step costs no round
/// trip through the job queue's storage (several transactions each), and the record stays until the step has run.
/// Woken at once when this process records one, and every second for steps left by a process that died (or, on a
/// shared database, by another replica). A crash before a step is marked done runs it again on the next start, which
/// is harmless: every step is safe to run twice. Recorded steps are taken newest first, so a backlog (thousands of
/// starts left by a process that died) waits behind a command answered now instead of ahead of it; a failed step is
/// retried on the job queue's backlog lane (<see cref="ISessionWork.Retry"/>), after fresh steps.
/// </summary>
public sealed partial class StepHandOverPump(IStepHandOver handOver, ISessionWork work, FaultPoints faults, ILogger<StepHandOverPump> logger)
    : BackgroundService
{
    private const int Batch = 100;

    /// <summary>Steps running at once; they mostly wait on SSH, so more than the cores, and a few slow logins cannot hold up the rest.</summary>
    private const int Running = 16;

    private readonly ConcurrentDictionary<long, bool> _running = new();
    // Never disposed: a step still finishing at shutdown releases its slot (it holds no wait handle).
    private readonly SemaphoreSlim _slots = new(Running, Running);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: queueing blocks on the job queue's storage.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = 0;
            try
            {
                started = await RoundAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be briefly unreachable; the steps stay recorded for the next round.
                LogRoundFailed(ex);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (started > 0) continue;
            try
            {
                await handOver.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Starts the recorded steps not already running, as slots free up; answers how many it started.</summary>
    private async Task<int> RoundAsync(CancellationToken cancellationToken)
    {
        var pending = await handOver.PendingAsync(Batch, cancellationToken);
        var started = 0;
        foreach (var recorded in pending)
        {
            if (_running.ContainsKey(recorded.Sequence)) continue;
            if (started == 0) faults.Reached(FaultPoints.BeforeHandOver);
            await _slots.WaitAsync(cancellationToken);
            _running[recorded.Sequence] = true;
            started++;
            _ = RunAsync(recorded, cancellationToken);
        }

        return started;
    }

    private async Task RunAsync(HandedOverStep recorded, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield();
            try
            {
                await work.RunNowAsync(recorded.Step, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The job queue retries it, with its back-off, on the lane for steps queued again; the record has
                // done its part once it is queued.
                LogRunFailed(recorded.Step.Kind, ex);
                work.Retry(recorded.Step, TimeSpan.Zero);
            }

            if (recorded.Step.Kind == SessionStepKind.Submit) faults.Reached(FaultPoints.AfterSubmissionQueued);
            await handOver.DoneAsync([recorded.Sequence], CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Left recorded: the next round (or the next start) runs it again.
            LogRoundFailed(ex);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the step stays recorded for the next start.
        }
        finally
        {
            _running.TryRemove(recorded.Sequence, out _);
            _slots.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand recorded session steps over; trying again")]
    private partial void LogRoundFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "A recorded {Step} step failed when run at once; the job queue retries it")]
    private partial void LogRunFailed(SessionStepKind step, Exception ex);
}
