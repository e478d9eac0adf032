using System.Globalization;
using System.Text.RegularExpressions;

namespace CondoBot.Bench;

/// <summary>The service's own counters, read from its Prometheus endpoint: what its work costs below the bot.</summary>
internal sealed partial record ServiceCounters(double Commits, double Writes, double JobsCreated, double JobStateChanges, double AllocatedBytes, double Gen2, double CpuSeconds, double PoolLowered)
{
    public static async Task<ServiceCounters> ReadAsync(ChildProcess app)
    {
        var text = await app.Http.GetStringAsync("/metrics");
        return new ServiceCounters(
            Sum(text, "condobot_sqlite_commits"), Sum(text, "condobot_sqlite_writes"),
            Sum(text, "condobot_jobs_created"), Sum(text, "condobot_jobs_state_changes"),
            Sum(text, "dotnet_gc_heap_total_allocated"), Sum(text, "dotnet_gc_collections", "gc_heap_generation=\"gen2\""),
            Sum(text, "dotnet_process_cpu_time"), Sum(text, "condobot_threads_pool_lowered"));
    }

    /// <summary>
    /// Reads the counters each second until the service has been idle for two readings in a row (under 5 % of a core
    /// busy), or for at most two minutes; answers the last reading and how long it took.
    /// </summary>
    public static async Task<(ServiceCounters Counters, TimeSpan Waited)> WhenIdleAsync(ChildProcess app)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var last = await ReadAsync(app);
        var quiet = 0;
        while (quiet < 2 && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            var second = System.Diagnostics.Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = await ReadAsync(app);
            quiet = (now.CpuSeconds - last.CpuSeconds) / second.Elapsed.TotalSeconds < 0.05 ? quiet + 1 : 0;
            last = now;
        }

        return (last, clock.Elapsed);
    }

    /// <summary>Methods the service's runtime has compiled so far (its JIT), from the same endpoint.</summary>
    public static async Task<double> CompiledMethodsAsync(ChildProcess app) =>
        Sum(await app.Http.GetStringAsync("/metrics"), "dotnet_jit_compiled_methods");

    /// <summary>The sum of a metric's series (every label set), matched by name prefix; NaN when the service has none.</summary>
    private static double Sum(string text, string prefix, string? label = null)
    {
        var found = false;
        var sum = 0.0;
        foreach (Match m in Sample().Matches(text))
        {
            if (!m.Groups["name"].Value.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (label is not null && !m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)) continue;
            found = true;
            sum += double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        }

        return found ? sum : double.NaN;
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<n>[0-9.e+-]+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}

/// <summary>What the service did per <c>start</c> over the start rows (its background work in that time included).</summary>
internal sealed record StartCost(int Starts, double Commits, double Writes, double JobsCreated, double JobStateChanges, double AllocatedBytes, double Gen2, double CpuMs, double PoolLowered)
{
    /// <summary>The same, read once the service was idle again after the rows: the background work they set off included.</summary>
    public StartCost? Drained { get; init; }

    /// <summary>How long after the rows the service was idle again.</summary>
    public double DrainSeconds { get; init; }

    public static StartCost Between(ServiceCounters before, ServiceCounters after, int starts) => new(
        starts,
        (after.Commits - before.Commits) / starts,
        (after.Writes - before.Writes) / starts,
        (after.JobsCreated - before.JobsCreated) / starts,
        (after.JobStateChanges - before.JobStateChanges) / starts,
        (after.AllocatedBytes - before.AllocatedBytes) / starts,
        after.Gen2 - before.Gen2,
        (after.CpuSeconds - before.CpuSeconds) * 1000 / starts,
        after.PoolLowered);
}
