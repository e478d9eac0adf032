using System.Globalization;
using System.Text.RegularExpressions;

namespace CondoBot.Bench;

internal sealed record ReadyResult(Stats FromFileMtimeMs, Stats FromReadyFieldMs, int Sessions, string PollSettings);

/// <summary>
/// Ready-to-message latency on the real local cluster: from the moment JupyterLab answered on the node (the job's
/// connection file: its mtime in nanoseconds, and its <c>ready=</c> field in whole seconds) to the moment the "JupyterLab
/// is ready" direct message reached the fake Slack API. Both clocks are this machine's, so no skew.
/// </summary>
internal static partial class ClusterBench
{
    public static async Task<(ReadyResult Ready, LoginCostResult Cost)> RunAsync(Bench bench, FakeSlackApi slack, int sessions)
    {
        var cluster = LocalClusterFacts.Load();
        using var app = Services.StartCondoBot(bench, slack.ApiBaseUrl, (cluster.Host, cluster.Port, cluster.HostKey));
        await app.WaitUntilAnsweringAsync("/healthz", r => r.IsSuccessStatusCode);
        var people = new List<Person>();
        foreach (var login in new[] { "condouser", "condouser2", "condouser3" })
        {
            people.Add(await LinkAsync(bench, app, login, "UBENCH" + login.ToUpperInvariant().Replace("CONDOUSER", "L", StringComparison.Ordinal) + Environment.ProcessId));
        }

        var fromMtime = new List<double>();
        var fromField = new List<double>();
        for (var i = 0; i < sessions; i++)
        {
            var person = people[i % people.Count];
            await Bench.CommandAsync(app, person.User, "start -t 0:10:00");
            var job = await WaitForReadyAsync(slack, person, bench);
            var file = $"/home/{person.Login}/.condobot/{LocalClusterFacts.SessionOf(job.Job)}.conn";
            var mtime = new DateTimeOffset(File.GetLastWriteTimeUtc(file));
            var ready = DateTimeOffset.FromUnixTimeSeconds(long.Parse(Regex.Match(File.ReadAllText(file), @"ready=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture));
            fromMtime.Add((job.At - mtime).TotalMilliseconds);
            fromField.Add((job.At - ready).TotalMilliseconds);
            Console.WriteLine($"  session {i + 1}: ready-to-message {fromMtime[^1]:F0} ms (from ready= {fromField[^1]:F0} ms)");
            await Bench.CommandAsync(app, person.User, $"stop {job.Job}");
        }

        var cost = await LoginCost.RunAsync(bench, app, slack, cluster, people);
        return (new ReadyResult(Stats.Of(fromMtime), Stats.Of(fromField), sessions, "defaults (no Sessions__ settings)"), cost);
    }

    internal sealed record Person(string User, string Login, string Fingerprint);

    /// <summary>A chat user linked to the login, with their own key authorized there (removed again at the end).</summary>
    internal static async Task<Person> LinkAsync(Bench bench, ChildProcess app, string login, string user)
    {
        var reply = await Bench.CommandAsync(app, user, $"key {login}");
        var entry = AuthorizeLine().Match(reply);
        if (!entry.Success) throw new InvalidOperationException("no authorize line in: " + reply);
        // As a person would: the printed line, run as the login in its login shell (it installs the gate and the key).
        LocalClusterFacts.Run("su", ["-", login, "-c", entry.Groups["line"].Value], "");
        var comment = entry.Groups["comment"].Value;
        bench.Cleanup.Add(() => RemoveKey(login, comment));
        return new Person(user, login, LocalClusterFacts.Fingerprint(entry.Groups["entry"].Value));
    }

    /// <summary>Takes the bench's key lines out of the test logins' authorized_keys again.</summary>
    private static void RemoveKey(string login, string comment)
    {
        var file = $"/home/{login}/.ssh/authorized_keys";
        if (File.Exists(file)) File.WriteAllLines(file, File.ReadAllLines(file).Where(l => !l.EndsWith(" " + comment, StringComparison.Ordinal)));
    }

    /// <summary>The first "JupyterLab is ready" message to this person for a job not seen before.</summary>
    internal static async Task<(long Job, DateTimeOffset At)> WaitForReadyAsync(FakeSlackApi slack, Person person, Bench bench, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        while (DateTime.UtcNow < deadline)
        {
            foreach (var (at, method, body) in slack.Calls)
            {
                if (method is not ("chat.postMessage" or "chat.update") || !body.Contains($"\"D{person.User}\"", StringComparison.Ordinal)) continue;
                var ready = ReadyText().Match(body);
                if (!ready.Success) continue;
                var job = long.Parse(ready.Groups["job"].Value, CultureInfo.InvariantCulture);
                if (bench.Jobs.Add(job)) return (job, at);
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no ready message for {person.User} within the time limit (the shared node may be full)");
    }

    [GeneratedRegex(@"JupyterLab is ready on [^ ]+ \(job (?<job>\d+)")]
    private static partial Regex ReadyText();

    /// <summary>The authorize line of a user-owned gate: the packed installer piped to sh, the entry in clear.</summary>
    [GeneratedRegex("""(?<line>echo '[A-Za-z0-9+/=]+' \| base64 -d \| gunzip \| sh -s '(?<entry>restrict,command="/bin/sh [^"]+"[^ ]* ssh-ed25519 [A-Za-z0-9+/=]+ (?<comment>condobot-[^']+))')""")]
    private static partial Regex AuthorizeLine();
}
