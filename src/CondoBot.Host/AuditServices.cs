using CondoBot.Core.Audit;
using CondoBot.Host.Configuration;

namespace CondoBot.Host;

/// <summary>The audit trail's retention (<c>Audit__MaxAge</c>), applied at start-up and every few hours.</summary>
public static class AuditServices
{
    public static IServiceCollection AddCondoBotAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection("Audit")).ValidateNamed("Audit");
        services.AddHostedService<AuditPruning>();
        return services;
    }
}

/// <summary>
/// Deletes audit entries older than <see cref="AuditOptions.MaxAge"/>. Every replica runs it; deleting twice is
/// harmless, so no coordination is needed.
/// </summary>
internal sealed partial class AuditPruning(
    IAuditLog audit, Microsoft.Extensions.Options.IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditPruning> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(AuditOptions.PruneEvery, time);
        do
        {
            try
            {
                var deleted = await audit.PruneAsync(time.GetUtcNow() - options.Value.MaxAge, stoppingToken);
                if (deleted > 0) LogPruned(deleted, options.Value.MaxAge);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be briefly away; the next round tries again, and nothing else depends on pruning.
                LogPruneFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} audit entries older than {MaxAge}")]
    private partial void LogPruned(int count, TimeSpan maxAge);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not prune the audit trail")]
    private partial void LogPruneFailed(Exception ex);
}
