namespace CondoBot.Bench;

internal sealed record MemoryResult(Stats StartupMs, double IdleMiB, double TrackedMiB, int Tracked, string ReadyPath);

/// <summary>
/// Start-up time (process start to <c>/readyz</c> answering 200 with the local cluster's login node checked, over several fresh starts)
/// and resident memory idle and with many tracked sessions. The sessions are made the way people make them, by signed
/// <c>start</c> commands from linked users, against a login node that refuses connections: each session then stays
/// active, retrying with back-off, which is what the service holds for a session whose cluster it cannot see.
/// </summary>
internal static class MemoryBench
{
    private const int Starts = 5;
    private const int Users = 250;
    private const int SessionsEach = 4;

    /// <summary>Ready, and the first background check found the login node answering SSH with its pinned host key.</summary>
    private const string ReadyPath = "/readyz";

    private static bool LoginNodeChecked(HttpResponseMessage response) =>
        response.IsSuccessStatusCode
        && response.Content.ReadAsStringAsync().GetAwaiter().GetResult().Contains("\"cluster:local\":\"ok\"", StringComparison.Ordinal);

    /// <summary>Alive: for the memory runs, whose login node refuses connections (so its check never says ok).</summary>
    private const string AlivePath = "/healthz";

    public static async Task<MemoryResult> RunAsync(Bench bench, string slackApi)
    {
        var cluster = LocalClusterFacts.Load();
        var startup = new List<double>();
        for (var i = 0; i < Starts; i++)
        {
            using var fresh = Services.StartCondoBot(bench, slackApi, (cluster.Host, cluster.Port, cluster.HostKey));
            startup.Add((await fresh.WaitUntilAnsweringAsync(ReadyPath, LoginNodeChecked)).TotalMilliseconds);
        }

        using var app = Services.StartCondoBot(bench, slackApi, Services.Unreachable);
        await app.WaitUntilAnsweringAsync(AlivePath, r => r.IsSuccessStatusCode);
        // Idle: after start-up work (Hangfire's first rounds, JIT of the hot paths) has settled.
        await Task.Delay(TimeSpan.FromSeconds(15));
        var idle = app.ResidentMiB();

        for (var u = 0; u < Users; u++)
        {
            await Bench.CommandAsync(app, User(u), "key condouser");
            for (var s = 0; s < SessionsEach; s++) await Bench.CommandAsync(app, User(u), "start -t 1:00:00");
        }

        await Task.Delay(TimeSpan.FromSeconds(30));
        var tracked = app.ResidentMiB();
        Console.WriteLine($"  start-up {Stats.Of(startup)}; RSS idle {idle:F0} MiB, with {Users * SessionsEach} sessions {tracked:F0} MiB");
        return new MemoryResult(Stats.Of(startup), idle, tracked, Users * SessionsEach, ReadyPath);
    }

    private static string User(int i) => $"UMEM{i:D5}";
}
