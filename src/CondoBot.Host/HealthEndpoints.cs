using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CondoBot.Host;

/// <summary>
/// <c>/healthz</c>: the process answers (a restart fixes nothing else). <c>/readyz</c>: the replica can take requests:
/// its database answers and it is not shutting down. The login nodes' last background checks are in <c>/readyz</c>'s
/// body too, but never make it fail: with a login node down the bot still answers and queues work. Both are anonymous
/// and say nothing secret.
/// </summary>
public static partial class HealthEndpoints
{
    private const string Ready = "ready";

    /// <summary>Fingerprints keep their '+' and '/' as people compare them by eye (the body is JSON, never HTML).</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IServiceCollection AddCondoBotHealth(this IServiceCollection services)
    {
        services.AddSingleton<LoginNodeWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<LoginNodeWatch>());
        services.AddHealthChecks()
            .AddCheck<StorageCheck>("storage", tags: [Ready])
            .AddCheck<ProcessCheck>("process", tags: [Ready])
            .AddCheck<LoginNodesCheck>("login nodes", tags: [Ready]);
        return services;
    }

    public static void MapCondoBotHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = (context, _) => context.Response.WriteAsync("ok"),
        });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResponseWriter = WriteReadinessAsync,
        });
    }

    private static async Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        var ready = report.Status != HealthStatus.Unhealthy;
        var checks = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["storage"] = report.Entries["storage"].Description ?? "",
            ["process"] = report.Entries["process"].Description ?? "",
        };
        var watch = context.RequestServices.GetRequiredService<LoginNodeWatch>();
        foreach (var (cluster, state) in watch.States.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            checks["cluster:" + cluster] = state.State == "ok" ? "ok" : state.Detail;
        }

        if (!ready) LogNotReady(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CondoBot.Host.Readiness"), string.Join("; ", checks.Select(c => $"{c.Key}={c.Value}")));
        var loginNodes = watch.States.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(
            s => s.Key,
            s => new { state = s.Value.State, detail = s.Value.Detail, checkedAt = s.Value.CheckedAt });
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, new { status = ready ? "ready" : "not ready", checks, loginNodes }, Readable, context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not ready: {Checks}")]
    private static partial void LogNotReady(ILogger logger, string checks);

    private sealed class StorageCheck(IStorageProbe storage) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await storage.IsReachableAsync(cancellationToken) ? HealthCheckResult.Healthy("ok") : HealthCheckResult.Unhealthy("unreachable");
    }

    private sealed class ProcessCheck(IHostApplicationLifetime lifetime) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
                ? HealthCheckResult.Unhealthy("stopping")
                : HealthCheckResult.Healthy("ok"));
    }

    /// <summary>Degraded at worst: reported, and a metric, but the replica stays in service.</summary>
    private sealed class LoginNodesCheck(LoginNodeWatch watch) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var failing = watch.States.Where(s => s.Value.CheckedAt is not null && s.Value.State != "ok").Select(s => s.Key).ToList();
            return Task.FromResult(failing.Count == 0
                ? HealthCheckResult.Healthy("ok")
                : HealthCheckResult.Degraded("failing: " + string.Join(", ", failing)));
        }
    }
}
