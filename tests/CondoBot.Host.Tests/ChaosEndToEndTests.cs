using System.Text.RegularExpressions;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>
/// The service is killed at random moments while several sessions are being submitted, queued and started, then
/// restarted: every session reaches ready, each has exactly one Slurm job, and each ready message is printed once.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
public sealed class ChaosEndToEndTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    /// <summary>Set to a seed a failed run printed, to replay its kills.</summary>
    private const string SeedVariable = "CONDOBOT_CHAOS_SEED";

    private const string Login = "condouser2";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-chaos-").FullName;
    private readonly string _user = "chaos" + Guid.NewGuid().ToString("N")[..6];
    private readonly List<IDisposable> _cleanup = [];
    private readonly List<BotProcess> _bots = [];

    public void Dispose()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private BotProcess StartBot()
    {
        var settings = _cluster.BotSettings(_data, _user);
        settings["Jobs__InvisibilityTimeout"] = "00:00:15";
        var bot = BotProcess.Start(settings, "console");
        _bots.Add(bot);
        _cleanup.Add(bot);
        return bot;
    }

    [Fact]
    public async Task KilledAtRandomMomentsOfSixSessionsLives_NoSessionIsLost_NoJobIsSubmittedTwice_NoReadyMessageIsDoubled()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), out var given) ? given : Random.Shared.Next();
        var replay = $"(seed {seed}: replay with {SeedVariable}={seed})";
        output.WriteLine($"Kill moments {replay}");
        var random = new Random(seed);
        var setup = StartBot();
        _cleanup.Add(await AuthorizedKey.LinkAsync(setup, Login));
        setup.Kill();

        for (var round = 0; round < 3; round++)
        {
            var bot = StartBot();
            bot.Type("start -A ccsd -t 0:10:00");
            bot.Type("start -A ccsd -t 0:10:00");
            await bot.WaitForAsync("(Submitting JupyterLab.*){2}", TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(200, 6000)));
            bot.Kill();
        }

        var final = StartBot();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var status = "";
        while (DateTime.UtcNow < deadline)
        {
            var mark = final.Stdout.Length;
            final.Type("status");
            await final.WaitForAsync("job|new session", TimeSpan.FromSeconds(10), mark);
            await Task.Delay(500);
            status = final.Stdout[mark..];
            if (Regex.Matches(status, $@"job \d+ on local: ready on {_cluster.Node}").Count == 6) break;
            await Task.Delay(2000);
        }

        var jobs = Regex.Matches(status, $@"job (\d+) on local: ready on {_cluster.Node}").Select(m => m.Groups[1].Value).ToList();
        Assert.True(jobs.Count == 6, $"every session reaches ready after the restarts {replay}:\n" + status + "\nlog of the last start:\n" + Tail(final.Stderr, 12000));
        var comments = _cluster.Slurm("squeue", "--noheader", "--states=all", "--user", Login, "--format=%k")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(c => c.StartsWith("condobot:", StringComparison.Ordinal)).ToList();
        foreach (var job in jobs)
        {
            var mine = _cluster.Slurm("squeue", "--noheader", "--jobs", job, "--format=%k").Trim();
            Assert.True(comments.Count(c => c == mine) == 1, $"job {job}'s session has one Slurm job {replay}");
        }

        // Once each end is printed, every message queued before it has been (a person's messages go out in order).
        foreach (var job in jobs) final.Type($"stop {job}");
        foreach (var job in jobs) await final.WaitForAsync($@"Job {job} has ended after .*stopped by you", TimeSpan.FromSeconds(60));
        var everything = string.Concat(_bots.Select(b => b.Stdout));
        foreach (var job in jobs) Assert.True(Regex.Matches(everything, $@"JupyterLab is ready on {_cluster.Node} \(job {job}\b").Count == 1, $"job {job}'s ready message is printed once {replay}");
    }

    private static string Tail(string text, int length) => text.Length <= length ? text : text[^length..];
}
