using CondoBot.Core.Sessions;
using Microsoft.Extensions.Options;
using SessionOptions = CondoBot.Core.Sessions.SessionOptions;

namespace CondoBot.Host;

/// <summary>Runs the <see cref="SessionWatchdog"/> every <see cref="SessionOptions.WatchInterval"/>.</summary>
public sealed partial class WatchdogService(SessionWatchdog watchdog, IOptions<SessionOptions> options, TimeProvider time, ILogger<WatchdogService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.WatchInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await watchdog.SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The storage may be briefly unreachable; the next round tries again.
                LogSweepFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The session watchdog could not look at the sessions this round")]
    private partial void LogSweepFailed(Exception ex);
}
