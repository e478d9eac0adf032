using CondoBot.Core.Diagnostics;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using OpenTelemetry.Metrics;

namespace CondoBot.Host;

/// <summary>The core's <see cref="CondoBotMetrics"/>, published for Prometheus at <c>/metrics</c> by OpenTelemetry.</summary>
public static class MetricsServices
{
    public static IServiceCollection AddCondoBotMetrics(this IServiceCollection services)
    {
        services.AddSingleton<CondoBotMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(CondoBotMetrics.MeterName)
            // What a command costs below the bot: its database, the job queue, and the runtime (allocations, GC).
            .AddMeter(CondoBot.Storage.StorageMetrics.MeterName, CondoBot.Jobs.JobQueueMetrics.MeterName, "System.Runtime")
            .AddPrometheusExporter());

        // Sessions by state are counted where every change passes: the session store, wrapped once here.
        var store = services.Last(d => d.ServiceType == typeof(ISessionStore));
        services.Remove(store);
        services.AddSingleton<ISessionStore>(sp => new MeteredSessionStore(
            (ISessionStore)(store.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, store.ImplementationType!)),
            sp.GetRequiredService<CondoBotMetrics>()));
        return services;
    }

    public static void MapCondoBotMetrics(this IEndpointRouteBuilder app) => app.MapPrometheusScrapingEndpoint("/metrics");
}

/// <summary>
/// Counts a session's entry into each state: a new session on add, and each change the user is told about (the
/// <see cref="SessionUpdate"/> a save queues), so a change saved twice by a retried step is not counted twice.
/// </summary>
internal sealed class MeteredSessionStore(ISessionStore inner, CondoBotMetrics metrics) : ISessionStore
{
    public async Task AddAsync(Session session, CancellationToken cancellationToken)
    {
        await inner.AddAsync(session, cancellationToken);
        metrics.SessionEntered(session.State.ToString());
    }

    public async Task<bool> TryAddAsync(Session session, CancellationToken cancellationToken)
    {
        var added = await inner.TryAddAsync(session, cancellationToken);
        if (added) metrics.SessionEntered(session.State.ToString());
        return added;
    }

    public Task<IReadOnlyList<Session>> ListActiveAsync(CancellationToken cancellationToken) => inner.ListActiveAsync(cancellationToken);

    public Task<IReadOnlyList<Session>> ListActiveDueAsync(DateTimeOffset dueBefore, CancellationToken cancellationToken) =>
        inner.ListActiveDueAsync(dueBefore, cancellationToken);

    public Task<IReadOnlyList<Session>> ListInStateAsync(SessionState state, CancellationToken cancellationToken) =>
        inner.ListInStateAsync(state, cancellationToken);

    public Task<Session?> GetAsync(CondoBot.Core.SessionId id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<Session>> ListAsync(CondoBot.Core.ChatUserId owner, DateTimeOffset endedSince, CancellationToken cancellationToken) =>
        inner.ListAsync(owner, endedSince, cancellationToken);

    public Task<int> FreeLocalPortAsync(CondoBot.Core.ChatUserId owner, int wanted, CancellationToken cancellationToken) =>
        inner.FreeLocalPortAsync(owner, wanted, cancellationToken);

    public async Task SaveAsync(Session session, IReadOnlyList<Notice> notices, CancellationToken cancellationToken)
    {
        await inner.SaveAsync(session, notices, cancellationToken);
        foreach (var update in notices.OfType<SessionUpdate>()) metrics.SessionEntered(update.Session.State.ToString());
    }

    // A command's change (stop, renew) queues no update, as before: the state it enters is counted when told.
    public Task SaveAndHandOverAsync(Session session, CancellationToken cancellationToken) => inner.SaveAndHandOverAsync(session, cancellationToken);
}
