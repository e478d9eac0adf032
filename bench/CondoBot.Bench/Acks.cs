namespace CondoBot.Bench;

/// <summary>
/// The acknowledgement comparison in one run: the service (its login node unreachable, so <c>start</c>'s background
/// step fails fast and gives up after a second instead of submitting thousands of jobs) and the Bolt app, same payloads.
/// </summary>
internal static class Acks
{
    private const int LinkedUsers = 64;

    public static async Task<(List<AckRow> Rows, StartCost? Cost)> RunAsync(Bench bench, FakeSlackApi slack, bool startOnly = false)
    {
        var rows = new List<AckRow>();
        StartCost? cost;
        using (var app = Services.StartCondoBot(bench, slack.ApiBaseUrl, Services.Unreachable, new Dictionary<string, string> { ["Sessions__GiveUpAfter"] = "00:00:01" }))
        {
            await app.WaitUntilAnsweringAsync("/healthz", r => r.IsSuccessStatusCode);
            for (var u = 0; u < LinkedUsers; u++) await Bench.CommandAsync(app, Linked(u), "key condouser");
            var commands = Commands(expect: true);
            if (!startOnly) rows.AddRange(await AckBench.RunAsync("CondoBot", app, "/slack/commands", commands[..^1]));
            // The start rows alone, between two readings of the service's counters (after their own warm-up).
            var rounds = await AckBench.WarmUpAsync(app, "/slack/commands", commands[^1]);
            Console.WriteLine($"  warmed up in {rounds} rounds");
            var before = await ServiceCounters.ReadAsync(app);
            var starts = await AckBench.RunAsync("CondoBot", app, "/slack/commands", commands[^1..], warmUp: false);
            var after = await ServiceCounters.ReadAsync(app);
            rows.AddRange(starts);
            cost = StartCost.Between(before, after, starts.Sum(r => r.Latency.Count + r.Failed));
            // The background work the rows set off runs below the requests, so much of it comes after them: read again
            // once the service is idle, for what a start costs in all.
            var (idle, waited) = await ServiceCounters.WhenIdleAsync(app);
            cost = cost with { Drained = StartCost.Between(before, idle, cost.Starts), DrainSeconds = waited.TotalSeconds };
        }

        if (startOnly) return (rows, cost);
        using (var bolt = Services.StartBolt(bench))
        {
            // Bolt answers 404 on GET; any answer means it is listening.
            await bolt.WaitUntilAnsweringAsync("/slack/events", r => (int)r.StatusCode < 500);
            rows.AddRange(await AckBench.RunAsync("Bolt", bolt, "/slack/events", Commands(expect: false)));
        }

        return (rows, cost);
    }

    /// <summary>
    /// help and status touch no cluster; start (for a linked user) records a session and enqueues its submission. It
    /// carries an option, as a typed start does: <c>start</c> alone opens the start form instead of starting anything.
    /// With <paramref name="expect"/>, an answer counts only if it is the service's reply to that command.
    /// </summary>
    private static (string, Func<int, string>, string?)[] Commands(bool expect) =>
    [
        ("help", i => $"UHELP{i % 500:D4}", expect ? "start" : null),
        ("status", i => $"USTAT{i % 500:D4}", expect ? "session" : null),
        (StartText, i => Linked(i % LinkedUsers), expect ? "Submitting JupyterLab" : null),
    ];

    public const string StartText = "start -t 1:00:00";

    private static string Linked(int i) => $"ULINK{i:D4}";
}
