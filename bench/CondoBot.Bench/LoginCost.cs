using System.Globalization;
using System.Text.RegularExpressions;

namespace CondoBot.Bench;

/// <summary>SSH connections and remote commands the bot's own keys caused on the login node during one window.</summary>
internal sealed record CostWindow(string What, int Ready, int Pending, double Seconds, int Connections, int Commands)
{
    public double PerSessionHour(int count) => count / ((Ready + Pending) * Seconds / 3600.0);
}

internal sealed record LoginCostResult(CostWindow ReadyOnly, CostWindow WithQueued, int Users);

/// <summary>
/// Login-node cost, counted in the login node's sshd log: "Accepted publickey" lines carrying one of the bench's own
/// key fingerprints are the bot's connections (other people's tests share the node and use other keys), and
/// "Starting session: command" lines on those connections' ports are its remote commands.
/// </summary>
internal static partial class LoginCost
{
    private const int SessionsEach = 2;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(90);

    public static async Task<LoginCostResult> RunAsync(Bench bench, ChildProcess app, FakeSlackApi slack, LocalClusterFacts cluster, List<ClusterBench.Person> people)
    {
        var jobs = new List<(ClusterBench.Person Person, long Job)>();
        foreach (var person in people)
        {
            for (var s = 0; s < SessionsEach; s++) await Bench.CommandAsync(app, person.User, "start -t 0:15:00");
        }

        foreach (var person in people)
        {
            for (var s = 0; s < SessionsEach; s++) jobs.Add((person, (await ClusterBench.WaitForReadyAsync(slack, person, bench)).Job));
        }

        var readyOnly = await CountAsync("ready sessions", cluster, people, jobs.Count, 0);
        // A follow-on per session: queued behind it (Dependency) without taking a CPU from the shared node.
        foreach (var (person, job) in jobs) await Bench.CommandAsync(app, person.User, $"renew {job}");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var withQueued = await CountAsync("ready + queued follow-ons", cluster, people, jobs.Count, jobs.Count);
        foreach (var (person, job) in jobs) await Bench.CommandAsync(app, person.User, $"stop {job}");
        return new LoginCostResult(readyOnly, withQueued, people.Count);
    }

    private static async Task<CostWindow> CountAsync(string what, LocalClusterFacts cluster, List<ClusterBench.Person> people, int ready, int pending)
    {
        var from = new FileInfo(cluster.SshdLog).Length;
        await Task.Delay(Window);
        using var log = new FileStream(cluster.SshdLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        log.Seek(from, SeekOrigin.Begin);
        var lines = (await new StreamReader(log).ReadToEndAsync()).Split('\n');
        var fingerprints = people.Select(p => p.Fingerprint).ToHashSet();
        var ports = lines.Select(l => Accepted().Match(l)).Where(m => m.Success && fingerprints.Contains(m.Groups["fp"].Value))
            .Select(m => m.Groups["port"].Value).ToHashSet();
        var commands = lines.Select(l => Command().Match(l)).Count(m => m.Success && ports.Contains(m.Groups["port"].Value));
        var window = new CostWindow(what, ready, pending, Window.TotalSeconds, ports.Count, commands);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: {ports.Count} connections, {commands} commands in {Window.TotalSeconds} s for {ready + pending} sessions ({window.PerSessionHour(ports.Count):F0}/session-hour)"));
        return window;
    }

    [GeneratedRegex(@"Accepted publickey for \S+ from \S+ port (?<port>\d+) ssh2: ED25519 (?<fp>SHA256:\S+)")]
    private static partial Regex Accepted();

    [GeneratedRegex(@"Starting session: command for \S+ from \S+ port (?<port>\d+)")]
    private static partial Regex Command();
}
