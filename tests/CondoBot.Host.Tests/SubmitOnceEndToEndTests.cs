using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>
/// A start is submitted to Slurm exactly once however the service dies around its submission: killed (a real process,
/// <c>kill -9</c>) after answering it but before its recorded step reached the job queue, just after handing it to the
/// job queue, or a moment after acknowledging it, and restarted; or killed holding it while another replica on the same
/// PostgreSQL database carries on. Jobs are counted on the cluster, by the
/// session's comment.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
public sealed class SubmitOnceEndToEndTests : IDisposable
{
    private const string Login = "condouser3";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly List<IDisposable> _cleanup = [];
    private readonly List<BotProcess> _bots = [];
    private readonly string _user = "once" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _data;

    public SubmitOnceEndToEndTests()
    {
        _data = Directory.CreateTempSubdirectory("condobot-once-").FullName;
        _cleanup.Add(new Disposable(() => Directory.Delete(_data, recursive: true)));
    }

    public void Dispose()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
    }

    private string AllOutput => string.Concat(_bots.Select(b => b.Stdout));

    private BotProcess StartBot(Dictionary<string, string> settings, string? crashAt = null)
    {
        if (crashAt is not null) settings["Faults__CrashAt"] = crashAt;
        var bot = BotProcess.Start(settings, "console");
        _bots.Add(bot);
        _cleanup.Add(bot);
        return bot;
    }

    private Dictionary<string, string> SqliteSettings() => _cluster.BotSettings(_data, _user);

    private Dictionary<string, string> PostgresSettings(LocalPostgres database, string user)
    {
        var data = Directory.CreateTempSubdirectory("condobot-once-pg-").FullName;
        _cleanup.Add(new Disposable(() => Directory.Delete(data, recursive: true)));
        var settings = _cluster.BotSettings(data, user);
        settings["Storage__Provider"] = "Postgres";
        settings["ConnectionStrings__CondoBot"] = database.ConnectionString;
        // Replicas share one key ring, which PostgreSQL storage requires to be encrypted with a certificate.
        var certificate = Path.Combine(_data, "keyring.pfx");
        if (!File.Exists(certificate)) TestCertificate.WritePfx(_data, "once-keyring-password");
        settings["DataProtection__CertificatePath"] = certificate;
        settings["DataProtection__CertificatePassword"] = "once-keyring-password";
        settings["Storage__OutboxLease"] = "00:00:10";
        return settings;
    }

    /// <summary>How many Slurm jobs (pending, running or recently ended) carry the comment of the session that owns <paramref name="job"/>.</summary>
    private int JobsOfTheSessionOf(string job)
    {
        var comment = _cluster.Slurm("squeue", "--noheader", "--jobs", job, "--states=all", "--format=%k").Trim();
        Assert.StartsWith("condobot:", comment, StringComparison.Ordinal);
        return _cluster.Slurm("squeue", "--noheader", "--states=all", "--format=%k")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(c => c.Trim() == comment);
    }

    private static int Count(string text, string pattern) => Regex.Matches(text, pattern).Count;

    private async Task LinkAsync(BotProcess bot)
    {
        _cleanup.Add(await AuthorizedKey.LinkAsync(bot, Login));
    }

    private async Task<BotProcess> LinkedSqliteBotAsync()
    {
        var setup = StartBot(SqliteSettings());
        await LinkAsync(setup);
        setup.CloseInput();
        Assert.True(setup.WaitForExit(TimeSpan.FromSeconds(30)), "the setup run exits once stdin closes");
        return setup;
    }

    /// <summary>Waits for the restarted service to make the session ready, stops it, and answers its job.</summary>
    private async Task<string> ReadyThenStoppedAsync(BotProcess bot, TimeSpan within)
    {
        var ready = await bot.WaitForAsync($@"JupyterLab is ready on {_cluster.Node} \(job (?<job>\d+)", within);
        var job = ready.Groups["job"].Value;
        bot.Type($"stop {job}");
        await bot.WaitForAsync($@"Job {job} has ended after .*: stopped by you\.", TimeSpan.FromSeconds(60));
        return job;
    }

    [Fact]
    public async Task KilledJustAfterHandingAStartToTheJobQueue_TheRestartedServiceSubmitsExactlyOneJob()
    {
        await LinkedSqliteBotAsync();
        var doomed = StartBot(SqliteSettings(), crashAt: "after-submission-queued");
        doomed.Type("start -t 0:10:00");
        Assert.True(doomed.WaitForExit(TimeSpan.FromSeconds(60)), "the service should have crashed once the submission was queued");
        Assert.Contains("Crashing at fault point after-submission-queued", doomed.Stderr, StringComparison.Ordinal);

        var revived = StartBot(SqliteSettings());
        var job = await ReadyThenStoppedAsync(revived, TimeSpan.FromSeconds(120));

        Assert.Equal(1, JobsOfTheSessionOf(job));
        Assert.Equal(1, Count(AllOutput, $@"JupyterLab is ready on {_cluster.Node}"));
    }

    // The start is answered and its step recorded, but the process dies before anything reaches the job queue: with the
    // step held only in memory after the reply, as it once was, this start would be lost; now the restart finds the record.
    [Fact]
    public async Task KilledAfterAcknowledgingAStartBeforeItsStepReachedTheJobQueue_TheRestartedServiceCarriesItOutOnce()
    {
        await LinkedSqliteBotAsync();
        var doomed = StartBot(SqliteSettings(), crashAt: "before-hand-over");
        doomed.Type("start -t 0:10:00");
        Assert.True(doomed.WaitForExit(TimeSpan.FromSeconds(60)), "the service should have crashed before handing the step over");
        Assert.Contains("Crashing at fault point before-hand-over", doomed.Stderr, StringComparison.Ordinal);

        var revived = StartBot(SqliteSettings());
        var job = await ReadyThenStoppedAsync(revived, TimeSpan.FromSeconds(120));

        Assert.Equal(1, JobsOfTheSessionOf(job));
        Assert.Equal(1, Count(AllOutput, $@"JupyterLab is ready on {_cluster.Node}"));
    }

    [Theory]
    [InlineData(50)]
    [InlineData(120)]
    [InlineData(200)]
    public async Task KilledMillisecondsAfterAcknowledgingAStart_TheRestartedServiceSubmitsExactlyOneJob(int afterMs)
    {
        await LinkedSqliteBotAsync();
        var doomed = StartBot(SqliteSettings());
        var mark = doomed.Stdout.Length;
        doomed.Type("start -t 0:10:00");
        await doomed.WaitForAsync("Submitting JupyterLab", TimeSpan.FromSeconds(30), mark);
        await Task.Delay(afterMs);
        doomed.Kill();
        Assert.True(doomed.WaitForExit(TimeSpan.FromSeconds(10)));

        var revived = StartBot(SqliteSettings());
        var job = await ReadyThenStoppedAsync(revived, TimeSpan.FromSeconds(120));

        Assert.Equal(1, JobsOfTheSessionOf(job));
        Assert.Equal(1, Count(AllOutput, $@"JupyterLab is ready on {_cluster.Node}"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(300)]
    [InlineData(700)]
    public async Task AStopMomentsAfterAStart_LeavesNoJobOfItsSessionQueuedOrRunning(int afterMs)
    {
        var bot = StartBot(SqliteSettings());
        await LinkAsync(bot);
        var mark = bot.Stdout.Length;
        bot.Type("start -t 0:10:00");
        await bot.WaitForAsync("Submitting JupyterLab", TimeSpan.FromSeconds(30), mark);
        await Task.Delay(afterMs);
        bot.Type("stop");
        await bot.WaitForAsync(@"has ended (after|before) [^:]*: stopped by you\.", TimeSpan.FromSeconds(90), mark);

        string session;
        using (var database = new SQLite.SQLiteConnection(Path.Combine(_data, "condobot.db")))
        {
            session = database.ExecuteScalar<string>("SELECT id FROM sessions ORDER BY created_at DESC LIMIT 1");
        }

        // The end is told once the job is cancelled; Slurm may take a moment more to show it ended.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        List<string> alive;
        do
        {
            alive = [.. _cluster.Slurm("squeue", "--noheader", "--states=all", "--format=%k|%T")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split('|'))
                .Where(f => f[0] == "condobot:" + session && f[1] is "PENDING" or "RUNNING" or "CONFIGURING")
                .Select(f => f[1])];
            if (alive.Count == 0) break;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Empty(alive);
    }

    // Job-queue settings stay at their defaults: the dead replica's step is invisible to the survivor's job queue for
    // five minutes, so only the submission's own lease can let the survivor carry on sooner.
    [Fact]
    public async Task AReplicaKilledHoldingASubmission_TheOtherSubmitsItWithinAMinute_Once()
    {
        using var database = LocalPostgres.CreateDatabase();
        // Both replicas serve the same console user, so the survivor prints that person's messages and takes their stop.
        var doomed = StartBot(PostgresSettings(database, _user), crashAt: "before-sbatch");
        await LinkAsync(doomed);
        var survivor = StartBot(PostgresSettings(database, _user));
        survivor.Type("help");
        await survivor.WaitForAsync("key check", TimeSpan.FromSeconds(60));

        doomed.Type("start -t 0:10:00");
        Assert.True(doomed.WaitForExit(TimeSpan.FromSeconds(60)), "the replica should have crashed holding the submission");
        var crashed = Stopwatch.StartNew();

        var ready = await survivor.WaitForAsync($@"Job (?<job>\d+) is (queued|starting)|JupyterLab is ready on {_cluster.Node} \(job (?<job>\d+)", TimeSpan.FromSeconds(75));
        var job = ready.Groups["job"].Value;
        Assert.True(crashed.Elapsed < TimeSpan.FromSeconds(60), $"the survivor submitted {crashed.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s after the crash");
        await survivor.WaitForAsync($@"JupyterLab is ready on {_cluster.Node} \(job {job}\b", TimeSpan.FromSeconds(90));
        survivor.Type($"stop {job}");
        await survivor.WaitForAsync($@"Job {job} has ended after .*: stopped by you\.", TimeSpan.FromSeconds(60));

        Assert.Equal(1, JobsOfTheSessionOf(job));
        Assert.Equal(1, Count(AllOutput, $@"JupyterLab is ready on {_cluster.Node} \(job {job}\b"));
    }
}
