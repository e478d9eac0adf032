using System.Diagnostics;

namespace CondoBot.Bench;

/// <summary>One row of the acknowledgement table.</summary>
internal sealed record AckRow(string Target, string Command, int Concurrency, Stats Latency, double PerSecond, int Failed);

/// <summary>
/// Slack acknowledgement latency: signed slash commands fired by a closed-loop client (each of N workers sends its next
/// request when the previous one is answered) at the service and at the Bolt app, bounded in count and in time.
/// Latency is from sending the request to reading the whole answer, on loopback.
/// </summary>
internal static class AckBench
{
    public static readonly int[] Concurrencies = [1, 16, 64];

    /// <summary>Requests per level; each level also stops after <see cref="LevelTime"/>.</summary>
    private static int RequestsAt(int concurrency) => concurrency == 1 ? 400 : Requests;

    /// <summary>
    /// Requests per level above one at a time: 10000 for the report; more (<c>--requests N</c>) holds the load for
    /// longer, for a profiler to attach during it. With 3000, a row's p99 was its 30 slowest answers, and those were one
    /// or two events: the row's first wave (every client sending at the same instant) or one slow fsync. Its value then
    /// swung from 30 to over 90 ms between runs of the same code; 10000 gives the tail a hundred answers.
    /// </summary>
    public static int Requests { get; set; } = 10000;

    private static readonly TimeSpan LevelTime = TimeSpan.FromSeconds(15);

    public static async Task<List<AckRow>> RunAsync(string target, ChildProcess app, string path, (string Command, Func<int, string> User, string? Expect)[] commands, bool warmUp = true)
    {
        var rows = new List<AckRow>();
        using var client = Client(app.Port);
        // Warm-up: JIT, connection pools, SQLite caches; not measured.
        if (warmUp) await LevelAsync(client, path, commands[0].User, commands[0].Command, commands[0].Expect, 8, 400);
        foreach (var (command, user, expect) in commands)
        {
            foreach (var concurrency in Concurrencies)
            {
                var (latencies, seconds, failed) = await LevelAsync(client, path, user, command, expect, concurrency, RequestsAt(concurrency));
                rows.Add(new AckRow(target, command, concurrency, Stats.Of(latencies), latencies.Count / seconds, failed));
                Console.WriteLine($"  {target,-8} {command,-7} c={concurrency,-3} {rows[^1].Latency} {rows[^1].PerSecond:F0}/s failed={failed}");
                // A failed answer is a finding, not noise: show what the service said about it.
                if (failed > 0) Console.WriteLine($"  its output ends:\n{app.Output[Math.Max(0, app.Output.Length - 4000)..]}");
            }
        }

        return rows;
    }

    /// <summary>
    /// The warm-up before the start rows, alone: rounds that are not measured, until the runtime has stopped compiling.
    /// A service answers starts for hours, so the rows measure it warm: after a fixed 400 requests the runtime was still
    /// compiling hot methods to their optimised tiers (its compiler threads, in the service and in this client, took a
    /// sixth of the CPU during the rows), and the rows timed start-up instead. A round is settled when both processes
    /// compiled fewer than <see cref="SettledMethods"/> methods during it; answers the rounds run.
    /// </summary>
    public static async Task<int> WarmUpAsync(ChildProcess app, string path, (string Command, Func<int, string> User, string? Expect) command)
    {
        using var client = Client(app.Port);
        for (var round = 1; ; round++)
        {
            var service = await ServiceCounters.CompiledMethodsAsync(app);
            var own = System.Runtime.JitInfo.GetCompiledMethodCount();
            await LevelAsync(client, path, command.User, command.Command, command.Expect, 16, WarmUpRound);
            var compiled = (await ServiceCounters.CompiledMethodsAsync(app) - service) + (System.Runtime.JitInfo.GetCompiledMethodCount() - own);
            Console.WriteLine($"  warm-up round {round}: {compiled} methods compiled");
            if (compiled < SettledMethods || round == MaxWarmUpRounds) return round;
        }
    }

    private const int WarmUpRound = 1000;

    private const int SettledMethods = 25;

    private const int MaxWarmUpRounds = 8;

    private static HttpClient Client(int port) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static async Task<(List<double> Latencies, double Seconds, int Failed)> LevelAsync(
        HttpClient client, string path, Func<int, string> user, string command, string? expect, int concurrency, int requests)
    {
        var latencies = new List<double>(requests);
        var failed = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        async Task Worker()
        {
            while (clock.Elapsed < LevelTime)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= requests) return;
                using var request = SignedCommands.Post(path, user(i), command);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    // An answer counts only if it is the ephemeral reply a person would see (and, where given, the one
                    // the command is meant to produce: a refused or misread command is not a fast success).
                    if (!response.IsSuccessStatusCode || !body.Contains("ephemeral", StringComparison.Ordinal) ||
                        (expect is not null && !body.Contains(expect, StringComparison.Ordinal)))
                    {
                        Interlocked.Increment(ref failed);
                        continue;
                    }

                    lock (latencies) latencies.Add(ms);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker)));
        return (latencies, clock.Elapsed.TotalSeconds, failed);
    }
}
