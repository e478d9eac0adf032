using CondoBot.Core.Sessions;
using CondoBot.Jobs;
using Hangfire;

namespace CondoBot.Host;

/// <summary>
/// Carries out the steps chat commands recorded (<see cref="IStepHandOver"/>): queues each on the job queue, then marks
/// it done. Woken at once when this process records one, and every second for steps left by a process that died (or,
/// on a shared database, by another replica). A crash between queueing and marking done queues the step again on the
/// next round, which is harmless: every step is safe to run twice. The job queue's fresh lane is kept short: steps are
/// handed over only while fewer than <see cref="QueueRoom"/> wait there, newest first, so a backlog (thousands of
/// starts left by a process that died) stays in the hand-over, and a command answered now is queued ahead of it
/// instead of behind it in the job queue, where nothing can overtake.
/// </summary>
public sealed partial class StepHandOverPump(IStepHandOver handOver, ISessionWork work, JobStorage jobs, FaultPoints faults, ILogger<StepHandOverPump> logger)
    : BackgroundService
{
    private const int Batch = 100;

    /// <summary>How many steps may wait in the fresh lane before the pump holds the rest back.</summary>
    internal const int QueueRoom = 10;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: queueing blocks on the job queue's storage.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                more = await RoundAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The job queue or the database may be briefly unreachable; the steps stay recorded for the next round.
                LogRoundFailed(ex);
            }

            if (more) continue;
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

    /// <summary>Hands over one batch; answers whether it was full (more may be waiting).</summary>
    private async Task<bool> RoundAsync(CancellationToken cancellationToken)
    {
        var waiting = jobs.GetMonitoringApi().EnqueuedCount(SessionSteps.FreshQueue);
        if (waiting >= QueueRoom)
        {
            // The workers are behind: look again shortly rather than pile more up.
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            return true;
        }

        var max = (int)Math.Min(Batch, QueueRoom - waiting);
        var pending = await handOver.PendingAsync(max, cancellationToken);
        if (pending.Count == 0) return false;
        faults.Reached(FaultPoints.BeforeHandOver);
        var done = new List<long>(pending.Count);
        try
        {
            foreach (var recorded in pending)
            {
                recorded.Step.QueueOn(work);
                done.Add(recorded.Sequence);
                if (recorded.Step.Kind == SessionStepKind.Submit) faults.Reached(FaultPoints.AfterSubmissionQueued);
            }
        }
        finally
        {
            // What was queued is marked even when a later step of the batch could not be.
            await handOver.DoneAsync(done, CancellationToken.None);
        }

        return pending.Count == max;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand recorded session steps to the job queue; trying again")]
    private partial void LogRoundFailed(Exception ex);
}
