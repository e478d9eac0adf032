using System.Diagnostics.Metrics;
using CondoBot.Core.Diagnostics;

namespace CondoBot.Testing;

/// <summary>
/// Adds up what one <see cref="CondoBotMetrics"/> instance's counters record, by instrument and tags, so a test sees
/// only its own service's measurements even while other tests run in parallel.
/// </summary>
public sealed class CounterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _totals = [];

    public CounterRecorder(CondoBotMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = Key(instrument.Name, tags.ToArray().Select(t => (t.Key, t.Value?.ToString() ?? "")).ToArray());
            lock (_totals) _totals[key] = _totals.GetValueOrDefault(key) + value;
        });
        _listener.Start();
    }

    /// <summary>The total recorded on <paramref name="instrument"/> with exactly these tags.</summary>
    public long Total(string instrument, params (string Key, string Value)[] tags)
    {
        lock (_totals) return _totals.GetValueOrDefault(Key(instrument, tags));
    }

    /// <summary>The total on <paramref name="instrument"/> over every tag combination.</summary>
    public long Total(string instrument)
    {
        lock (_totals) return _totals.Where(t => t.Key.StartsWith(instrument + "{", StringComparison.Ordinal)).Sum(t => t.Value);
    }

    private static string Key(string instrument, (string Key, string Value)[] tags) =>
        instrument + "{" + string.Join(",", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}")) + "}";

    public void Dispose() => _listener.Dispose();
}
