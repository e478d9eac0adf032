using CondoBot.Core.Notices;

namespace CondoBot.Host;

/// <summary>Runs the notice dispatcher: at once when a notice is queued, and every second for retries that fall due.</summary>
public sealed partial class OutboxPump(NoticeDispatcher dispatcher, OutboxSignal signal, ILogger<OutboxPump> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await dispatcher.RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A broken round must not stop delivery for good; the notices stay queued for the next one.
                LogRoundFailed(ex);
            }

            try
            {
                await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Notice delivery round failed")]
    private partial void LogRoundFailed(Exception ex);
}
