using System.Diagnostics.Metrics;

namespace CondoBot.Storage;

/// <summary>
/// What the bot's SQLite file costs, on the meter <see cref="MeterName"/>: transactions committed (each one fsync of
/// the write-ahead log with <c>synchronous = FULL</c>) and the callers' writes they held (a batch holds several).
/// </summary>
public static class StorageMetrics
{
    public const string MeterName = "CondoBot.Storage";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> CommitCount = Meter.CreateCounter<long>(
        "condobot.sqlite.commits", description: "Transactions committed to the bot's SQLite file (one log fsync each)");

    private static readonly Counter<long> WriteCount = Meter.CreateCounter<long>(
        "condobot.sqlite.writes", description: "Callers' writes committed to the bot's SQLite file (a commit holds one or more)");

    private static readonly Counter<long> CheckpointCount = Meter.CreateCounter<long>(
        "condobot.sqlite.checkpoints", description: "Passive checkpoints of the write-ahead log, run beside the commits");

    internal static void Checkpointed() => CheckpointCount.Add(1);

    internal static void Committed(int writes)
    {
        CommitCount.Add(1);
        WriteCount.Add(writes);
    }
}
