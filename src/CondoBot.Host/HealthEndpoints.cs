using CondoBot.Cluster.Ssh;
using CondoBot.Core.Clusters;

namespace CondoBot.Host;

/// <summary>
/// <c>/healthz</c>: the process answers (a restart fixes nothing else). <c>/readyz</c>: the replica can do its work:
/// its database answers, and every configured login node answers SSH with its pinned host key. Both are anonymous
/// and say nothing secret; a failing <c>/readyz</c> names what failed, for the operator reading the probe.
/// </summary>
public static partial class HealthEndpoints
{
    public static void MapCondoBotHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", ReadyAsync);
    }

    private static async Task<IResult> ReadyAsync(IStorageProbe storage, ClusterCatalog clusters, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var checks = new Dictionary<string, string>(StringComparer.Ordinal);
        var ready = await storage.IsReachableAsync(cancellationToken);
        checks["storage"] = ready ? "ok" : "unreachable";
        var probes = clusters.All.Select(async c => (c.Name, Result: await HostKeyProbe.CheckAsync(c, cancellationToken)));
        foreach (var (name, result) in await Task.WhenAll(probes))
        {
            checks["cluster:" + name] = result.Ok ? "ok" : result.Detail;
            ready &= result.Ok;
        }

        if (!ready) LogNotReady(loggers.CreateLogger("CondoBot.Host.Readiness"), string.Join("; ", checks.Select(c => $"{c.Key}={c.Value}")));
        return Results.Json(new { status = ready ? "ready" : "not ready", checks }, statusCode: ready ? 200 : 503);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not ready: {Checks}")]
    private static partial void LogNotReady(ILogger logger, string checks);
}
