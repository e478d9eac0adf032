using System.Globalization;
using System.Text.RegularExpressions;

namespace CondoBot.Bench;

/// <summary>
/// SSH connections and remote commands the bot's own keys caused on the login node during one window, and the polls
/// (reads of one job's state) the service answered in it. The naive design opens one connection and runs one
/// <c>squeue</c> per poll, so its cost is the poll count.
/// </summary>
internal sealed record CostWindow(string What, int Users, int Sessions, double Seconds, int Connections, int Commands, long Polls, int Kept, long Watches = 0)
{
    /// <summary>
    /// At most one squeue per user per poll cycle, allowing each user one more for the window's partial cycle (a
    /// window does not start and end on cycle boundaries).
    /// </summary>
    public bool OneSqueuePerUserPerCycle => Squeues <= Users * (Math.Ceiling(Cycles) + 1);

    /// <summary>
    /// The commands other than the end watches (each a long-lived command that tests files every 2 s and runs no Slurm
    /// command), counted by the service itself (<c>condobot_end_watch_starts_total</c>).
    /// </summary>
    public long Squeues => Commands - Watches;

    public double PerSessionHour(double count) => count / (Sessions * Seconds / 3600.0);

    /// <summary>Poll cycles in the window: one cycle is one poll of every session.</summary>
    public double Cycles => Polls / (double)Sessions;

    public double PerUserPerCycle(int count) => count / (double)Users / Cycles;
}

internal sealed record LoginCostResult(IReadOnlyList<CostWindow> Windows, int Logins);

/// <summary>
/// Login-node cost, counted in the login node's sshd log: "Accepted publickey" lines carrying one of the bench's own
/// key fingerprints are the bot's connections (other people's tests share the node and use other keys), and
/// "Starting session: command" lines on those connections' ports are its remote commands. The issue's shape, 50 users
/// with 4 sessions each, is run with its sessions queued in a partition made for the bench and kept down (so they cost
/// the shared node no CPU); the local cluster has three logins, so the 50 users (each with their own key, as 50 people
/// would have) share them.
/// </summary>
internal static partial class LoginCost
{
    public const int Users = 50;
    public const int SessionsEach = 4;
    private const string Partition = "condobench";
    private static readonly string[] Logins = ["condouser", "condouser2", "condouser3"];
    private static readonly TimeSpan QueuedWindow = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ReadyWindow = TimeSpan.FromSeconds(90);

    public static async Task<LoginCostResult> RunAsync(Bench bench, ChildProcess app, FakeSlackApi slack, LocalClusterFacts cluster, List<ClusterBench.Person> people)
    {
        // Ready first: the service's poll count covers every session, and the queued ones, once cancelled, poll a last time.
        var ready = await ReadyAsync(bench, app, slack, cluster, people[0]);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var queued = await QueuedAsync(bench, app, cluster);
        return new LoginCostResult([queued, ready], Logins.Length);
    }

    /// <summary>50 users x 4 sessions, all waiting in a partition that is down.</summary>
    private static async Task<CostWindow> QueuedAsync(Bench bench, ChildProcess app, LocalClusterFacts cluster)
    {
        TryRun("scontrol", ["delete", $"PartitionName={Partition}"]);
        LocalClusterFacts.Run("scontrol", ["create", $"PartitionName={Partition}", "Nodes=node001", "State=DOWN", "MaxTime=12:00:00"]);
        var jobs = new List<long>();
        try
        {
            var users = new List<ClusterBench.Person>();
            for (var u = 0; u < Users; u++) users.Add(await ClusterBench.LinkAsync(bench, app, Logins[u % Logins.Length], $"UCOST{u:D2}X{Environment.ProcessId}"));
            Console.WriteLine($"  linked {users.Count} users over {Logins.Length} logins");
            foreach (var user in users)
            {
                for (var s = 0; s < SessionsEach; s++) await Bench.CommandAsync(app, user.User, $"start -t 0:15:00 --partition {Partition}");
            }

            jobs.AddRange(await WaitForQueuedAsync(Users * SessionsEach));
            foreach (var job in jobs) bench.Jobs.Add(job);
            Console.WriteLine($"  {jobs.Count} sessions queued");
            // Every session polled at least once before the window (the service works through a backlog of first polls).
            await Task.Delay(TimeSpan.FromSeconds(15));
            return await CountAsync($"{Users} users x {SessionsEach} queued sessions", app, cluster, users, Users * SessionsEach, QueuedWindow);
        }
        finally
        {
            LocalClusterFacts.Cancel(jobs);
            await Task.Delay(TimeSpan.FromSeconds(2));
            TryRun("scontrol", ["delete", $"PartitionName={Partition}"]);
        }
    }

    /// <summary>One user's 4 sessions, all ready (JupyterLab answering), polled at the running interval.</summary>
    private static async Task<CostWindow> ReadyAsync(Bench bench, ChildProcess app, FakeSlackApi slack, LocalClusterFacts cluster, ClusterBench.Person person)
    {
        var jobs = new List<long>();
        for (var s = 0; s < SessionsEach; s++) await Bench.CommandAsync(app, person.User, "start -t 0:15:00");
        for (var s = 0; s < SessionsEach; s++) jobs.Add((await ClusterBench.WaitForReadyAsync(slack, person, bench)).Job);
        try
        {
            return await CountAsync($"1 user x {SessionsEach} ready sessions", app, cluster, [person], SessionsEach, ReadyWindow);
        }
        finally
        {
            foreach (var job in jobs) await Bench.CommandAsync(app, person.User, $"stop {job}");
        }
    }

    private static async Task<List<long>> WaitForQueuedAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        List<long> jobs = [];
        while (DateTime.UtcNow < deadline)
        {
            jobs = LocalClusterFacts.Run("squeue", ["--noheader", "--partition", Partition, "--name", "condobot", "--format=%i"])
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(j => long.Parse(j, CultureInfo.InvariantCulture)).ToList();
            if (jobs.Count >= count) return jobs;
            await Task.Delay(1000);
        }

        throw new TimeoutException($"only {jobs.Count} of {count} sessions were queued in time");
    }

    /// <summary>
    /// Counts one window. Kept connections may have been opened long before it (the bench's keys are its own, so the
    /// whole log can be searched for their connections' ports); connections opened and commands count from its start.
    /// </summary>
    private static async Task<CostWindow> CountAsync(string what, ChildProcess app, LocalClusterFacts cluster, List<ClusterBench.Person> users, int sessions, TimeSpan window)
    {
        var from = new FileInfo(cluster.SshdLog).Length;
        var pollsBefore = await PollsAsync(app);
        var watchesBefore = await CounterAsync(app, EndWatches());
        await Task.Delay(window);
        var polls = await PollsAsync(app) - pollsBefore;
        var watches = await CounterAsync(app, EndWatches()) - watchesBefore;
        await Task.Delay(500);
        var setup = await ReadLogAsync(cluster.SshdLog, 0, from);
        var inWindow = await ReadLogAsync(cluster.SshdLog, from, long.MaxValue);
        var fingerprints = users.Select(p => p.Fingerprint).ToHashSet();
        var opened = Ports(inWindow, fingerprints);
        var earlier = Ports(setup, fingerprints);
        var ports = earlier.Union(opened).ToHashSet();
        var used = inWindow.Select(l => Command().Match(l)).Where(m => m.Success && ports.Contains(m.Groups["port"].Value)).Select(m => m.Groups["port"].Value).ToList();
        var kept = used.Where(earlier.Contains).Distinct().Count();
        var result = new CostWindow(what, users.Count, sessions, window.TotalSeconds, opened.Count, used.Count, polls, kept, watches);
        var commands = used.Count;
        var failed = app.Output.Split('\n').Count(l => l.Contains("failed", StringComparison.OrdinalIgnoreCase) || l.Contains("unreachable", StringComparison.OrdinalIgnoreCase));
        Console.WriteLine($"  (service log so far: {failed} lines about failed steps or an unreachable login node)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: {polls} polls, {opened.Count} connections opened ({kept} kept from before used), {commands} commands in {window.TotalSeconds} s ({result.PerUserPerCycle(commands):F2} commands per user per poll cycle), {watches} of them end watches"));
        return result;
    }

    private static HashSet<string> Ports(IEnumerable<string> lines, HashSet<string> fingerprints) =>
        lines.Select(l => Accepted().Match(l)).Where(m => m.Success && fingerprints.Contains(m.Groups["fp"].Value)).Select(m => m.Groups["port"].Value).ToHashSet();

    private static async Task<List<string>> ReadLogAsync(string path, long from, long to)
    {
        using var log = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        log.Seek(from, SeekOrigin.Begin);
        var buffer = new byte[Math.Min(to, log.Length) - from];
        await log.ReadExactlyAsync(buffer);
        // sshd -E ends its lines with CRLF.
        return System.Text.Encoding.UTF8.GetString(buffer).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
    }

    /// <summary>The service's count of job state reads (polls), from its Prometheus endpoint.</summary>
    private static Task<long> PollsAsync(ChildProcess app) => CounterAsync(app, JobReads());

    private static async Task<long> CounterAsync(ChildProcess app, Regex counter)
    {
        var text = await app.Http.GetStringAsync("/metrics");
        var match = counter.Match(text);
        return match.Success ? (long)double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static void TryRun(string file, string[] args)
    {
        try
        {
            LocalClusterFacts.Run(file, args);
        }
        catch (InvalidOperationException)
        {
            // Nothing to undo (no such partition).
        }
    }

    [GeneratedRegex(@"^condobot_job_reads_total(\{[^}]*\})? (?<n>[0-9.e+]+)", RegexOptions.Multiline)]
    private static partial Regex JobReads();

    [GeneratedRegex(@"^condobot_end_watch_starts_total(\{[^}]*\})? (?<n>[0-9.e+]+)", RegexOptions.Multiline)]
    private static partial Regex EndWatches();

    [GeneratedRegex(@"Accepted publickey for \S+ from \S+ port (?<port>\d+) ssh2: ED25519 (?<fp>SHA256:\S+)")]
    private static partial Regex Accepted();

    [GeneratedRegex(@"Starting session: command for \S+ from \S+ port (?<port>\d+)")]
    private static partial Regex Command();
}
