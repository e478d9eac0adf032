using System.Globalization;
using System.Text.RegularExpressions;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>
/// Two real service processes on one PostgreSQL database run twenty sessions on the real local cluster: every ready
/// message and reminder reaches its person once, no job is submitted twice, and when one replica is killed the other
/// finishes the work of both, submitting what the dead one held within a minute.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
public sealed class ReplicaEndToEndTests : IDisposable
{
    private const int SessionsPerReplica = 10;
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly LocalPostgres _database = LocalPostgres.CreateDatabase();
    private readonly List<IDisposable> _cleanup = [];
    private readonly List<BotProcess> _replicas = [];

    /// <summary>The key ring certificate every replica shares (PostgreSQL requires one).</summary>
    private readonly string _keyRing = Directory.CreateTempSubdirectory("condobot-replica-keyring-").FullName;

    /// <summary>Every job seen in squeue since the test began (id to comment): finished jobs leave squeue after a while.</summary>
    private readonly Dictionary<string, string> _seen = [];

    /// <summary>When each job comment (a session) was first seen in squeue.</summary>
    private readonly Dictionary<string, DateTime> _firstSeen = [];
    private long _baseline;

    public void Dispose()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        _database.Dispose();
        Directory.Delete(_keyRing, recursive: true);
    }

    private string AllOutput => string.Concat(_replicas.Select(r => r.Stdout));

    private BotProcess StartReplica(string user)
    {
        var data = Directory.CreateTempSubdirectory("condobot-replica-").FullName;
        _cleanup.Add(new Disposable(() => Directory.Delete(data, recursive: true)));
        var settings = _cluster.BotSettings(data, user);
        settings["Storage__Provider"] = "Postgres";
        settings["ConnectionStrings__CondoBot"] = _database.ConnectionString;
        var certificate = Path.Combine(_keyRing, "keyring.pfx");
        if (!File.Exists(certificate)) TestCertificate.WritePfx(_keyRing, "replica-keyring-password");
        settings["DataProtection__CertificatePath"] = certificate;
        settings["DataProtection__CertificatePassword"] = "replica-keyring-password";
        settings["Storage__OutboxLease"] = "00:00:10";
        settings["Sessions__RunningPollInterval"] = "00:00:03";
        settings["Sessions__RemindBefore"] = "00:00:30,00:00:15";
        settings["Jobs__InvisibilityTimeout"] = "00:00:15";
        var replica = BotProcess.Start(settings, "console");
        _replicas.Add(replica);
        _cleanup.Add(replica);
        return replica;
    }

    private async Task LinkAsync(BotProcess replica, string login)
    {
        _cleanup.Add(await AuthorizedKey.LinkAsync(replica, login));
    }

    private List<string[]> Jobs() => [.. _cluster.Slurm("squeue", "--noheader", "--states=all", "--format=%i|%u|%k")
        .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split('|'))];

    private int Count(string pattern) => Regex.Matches(AllOutput, pattern).Count;

    private async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            foreach (var job in Jobs().Where(j => long.Parse(j[0], CultureInfo.InvariantCulture) > _baseline))
            {
                _seen[job[0]] = job[2];
                _firstSeen.TryAdd(job[2], DateTime.UtcNow);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.\n" + string.Join("\n", _replicas.Select((r, i) => $"--- replica {i} stdout ---\n{r.Stdout}\n--- stderr ---\n{r.Stderr}")));
            }

            await Task.Delay(500);
        }
    }

    // The replica is killed while it may hold one of Hangfire's locks in the shared database (the scheduler's takes a
    // lock every second): the survivor's scheduled steps wait until that lock is taken over, so the test also shows
    // that wait stays well inside a one-minute session's reminders.
    [Fact]
    public async Task TwoReplicasOnOneDatabase_DeliverEachReadyMessageAndReminderOnce_SubmitNoJobTwice_AndOneFinishesWhenTheOtherIsKilled()
    {
        _baseline = Jobs().Select(j => long.Parse(j[0], CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var first = StartReplica("replica-a-" + suffix);
        await LinkAsync(first, "condouser");
        var second = StartReplica("replica-b-" + suffix);
        await LinkAsync(second, "condouser3");

        for (var i = 0; i < SessionsPerReplica; i++)
        {
            first.Type("start -t 0:01:00");
            second.Type("start -t 0:01:00");
        }

        await WaitUntilAsync(() => Count($@"JupyterLab is ready on {_cluster.Node} \(job \d+") >= 4, TimeSpan.FromSeconds(120), "four sessions are ready");
        first.Kill();
        var killedAt = DateTime.UtcNow;
        await WaitUntilAsync(() => Count(@"Job \d+ has ended after [^:]+: walltime reached\.") >= 2 * SessionsPerReplica, TimeSpan.FromMinutes(10), "all twenty sessions have ended");

        // Other test runs may share the cluster, so our jobs are the ones our messages name, and a job submitted twice
        // would be a second job carrying one of their comments (the session id).
        var ours = Regex.Matches(AllOutput, @"Job (\d+) has ended after").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(2 * SessionsPerReplica, ours.Count);
        foreach (var job in ours)
        {
            var comment = _seen[job];
            Assert.Equal((comment, 1), (comment, _seen.Values.Count(c => c == comment)));
        }

        // The dead replica's work moves on within a minute: every session it held (a submission under its claim, a step
        // in its hand-over) has its job within 60 s of the kill (squeue is read every half second or so).
        var lastSubmitted = ours.Select(job => _firstSeen[_seen[job]]).Max();
        Assert.True(lastSubmitted - killedAt < TimeSpan.FromSeconds(60),
            $"the last session's job appeared {(lastSubmitted - killedAt).TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s after the kill");

        foreach (var job in ours)
        {
            Assert.Equal((job, 1), (job, Count($@"JupyterLab is ready on {_cluster.Node} \(job {job}\b")));
            Assert.Equal((job, 1), (job, Count($@"Job {job} on {_cluster.Node} reaches its walltime in 30 s")));
            Assert.Equal((job, 1), (job, Count($@"Job {job} on {_cluster.Node} reaches its walltime in 15 s")));
            Assert.Equal((job, 1), (job, Count($@"Job {job} has ended after [^:]+: walltime reached\.")));
        }

        second.CloseInput();
        Assert.True(second.WaitForExit(TimeSpan.FromSeconds(60)), "the surviving replica settles and exits once stdin closes");
    }
}
