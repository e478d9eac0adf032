using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CondoBot.Cluster.Ssh;
using CondoBot.Core.Clusters;
using CondoBot.Core.Diagnostics;
using Microsoft.Extensions.Options;

namespace CondoBot.Host;

/// <summary>One login node as last seen by <see cref="LoginNodeWatch"/>.</summary>
public sealed record LoginNodeState(string State, string Detail, DateTimeOffset? CheckedAt)
{
    public static LoginNodeState NotCheckedYet { get; } = new("not checked yet", "the first check is under way", null);

    public bool Reachable => State is "ok" or "host key mismatch";
}

/// <summary>
/// Checks every configured login node every <c>LoginNode__CheckInterval</c>: does it answer SSH, with the pinned host
/// key? The answers are shown in <c>/readyz</c>'s body and as metrics, and logged when they change. A login node that
/// is down never makes the bot unready: the bot still answers <c>status</c> and <c>help</c>, queues work for when the
/// node is back, and tells people what is wrong; taking replicas out of service would only silence it.
/// </summary>
public sealed partial class LoginNodeWatch : BackgroundService
{
    private readonly ClusterCatalog _clusters;
    private readonly IOptions<LoginNodeOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LoginNodeWatch> _logger;
    private readonly ConcurrentDictionary<string, LoginNodeState> _states = new(StringComparer.OrdinalIgnoreCase);

    public LoginNodeWatch(ClusterCatalog clusters, IOptions<LoginNodeOptions> options, CondoBotMetrics metrics, TimeProvider time, ILogger<LoginNodeWatch> logger)
    {
        _clusters = clusters;
        _options = options;
        _time = time;
        _logger = logger;
        foreach (var cluster in clusters.All) _states[cluster.Name] = LoginNodeState.NotCheckedYet;
        metrics.Meter.CreateObservableGauge("condobot.login_node.reachable", () => Observe(s => s.Reachable), description: "1 when the login node answered the last SSH check, per cluster");
        metrics.Meter.CreateObservableGauge("condobot.login_node.host_key_matches", () => Observe(s => s.State == "ok"), description: "1 when the login node presented its pinned host key at the last check, per cluster");
    }

    /// <summary>Each cluster's last check, by cluster name.</summary>
    public IReadOnlyDictionary<string, LoginNodeState> States => _states;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.CheckInterval, _time);
        do
        {
            await Task.WhenAll(_clusters.All.Select(c => CheckAsync(c, stoppingToken)));
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task CheckAsync(ClusterProfile cluster, CancellationToken stoppingToken)
    {
        var result = await HostKeyProbe.CheckAsync(cluster, stoppingToken);
        if (stoppingToken.IsCancellationRequested) return;
        var state = new LoginNodeState(
            result.Outcome switch
            {
                HostKeyProbeOutcome.Healthy => "ok",
                HostKeyProbeOutcome.HostKeyMismatch => "host key mismatch",
                _ => "unreachable",
            },
            result.Detail,
            _time.GetUtcNow());
        var previous = _states.GetValueOrDefault(cluster.Name);
        _states[cluster.Name] = state;
        if (previous?.State == state.State) return;
        if (result.Ok) LogHealthy(cluster.Name, cluster.LoginHost);
        else LogUnhealthy(cluster.Name, cluster.LoginHost, result.Detail);
    }

    private IEnumerable<Measurement<int>> Observe(Func<LoginNodeState, bool> test) =>
        _states.Where(s => s.Value.CheckedAt is not null)
            .Select(s => new Measurement<int>(test(s.Value) ? 1 : 0, new KeyValuePair<string, object?>("cluster", s.Key)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Login node of cluster {Cluster} ({Host}) answers with its pinned host key")]
    private partial void LogHealthy(string cluster, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login node of cluster {Cluster} ({Host}): {Detail}")]
    private partial void LogUnhealthy(string cluster, string host, string detail);
}
