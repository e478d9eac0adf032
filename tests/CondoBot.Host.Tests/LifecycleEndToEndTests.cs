using System.Text.RegularExpressions;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>
/// A session's whole life on the real local cluster, with short walltimes and reminders seconds apart, and the service
/// killed (a real process, <c>kill -9</c>) at the awkward moments: nothing is lost and nothing happens twice.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
public sealed partial class LifecycleEndToEndTests : IDisposable
{
    private const string Login = "condouser2";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-life-").FullName;
    private readonly string _user = "life" + Guid.NewGuid().ToString("N")[..6];
    private readonly List<IDisposable> _cleanup = [];
    private readonly List<BotProcess> _bots = [];

    public void Dispose()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    /// <summary>Everything every run of the service printed, in order.</summary>
    private string AllOutput => string.Concat(_bots.Select(b => b.Stdout));

    private BotProcess StartBot(string? crashAt = null)
    {
        var settings = _cluster.BotSettings(_data, _user);
        settings["Sessions__RunningPollInterval"] = "00:00:03";
        settings["Sessions__RemindBefore"] = "00:01:15,00:00:45";
        // A step killed mid-run is handed out again after this; short, so the restart tests need not wait minutes.
        settings["Jobs__InvisibilityTimeout"] = "00:00:15";
        if (crashAt is not null) settings["Faults__CrashAt"] = crashAt;
        var bot = BotProcess.Start(settings, "console");
        _bots.Add(bot);
        _cleanup.Add(bot);
        return bot;
    }

    private async Task LinkAsync(BotProcess bot)
    {
        _cleanup.Add(await AuthorizedKey.LinkAsync(bot, Login));
    }

    private static int Count(string text, string pattern) => Regex.Matches(text, pattern).Count;

    private string JobsWithComment(string sessionComment) => _cluster.Slurm("squeue", "--noheader", "--states=all", "--format=%i|%k")
        .Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith(sessionComment, StringComparison.Ordinal)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task ATwoMinuteSession_IsReady_RemindsBeforeTheEnd_EndsWithWalltimeReached_AndItsFollowOnStartsWithAWorkingTunnel()
    {
        var bot = StartBot();
        await LinkAsync(bot);
        var person = new UserKey(Login, _cluster);
        _cleanup.Add(person);

        bot.Type($"start -A ccsd -t 0:02:00 --keep-alive -p {PrintedTunnel.FreePort()}");
        var first = await bot.WaitForAsync($@"JupyterLab is ready on {_cluster.Node} \(job (?<job>\d+).*?lab\?token=(?<token>[0-9a-f]+)", TimeSpan.FromSeconds(90));
        var job = first.Groups["job"].Value;
        await bot.WaitForAsync($@"Follow-on job (?<next>\d+) is queued on local; it starts when job {job} ends", TimeSpan.FromSeconds(30));

        var reminder = await bot.WaitForAsync($@"Job {job} on {_cluster.Node} reaches its walltime in (?<left>[^(]+) \(at", TimeSpan.FromSeconds(120));
        Assert.DoesNotMatch($@"Job {job} has ended", bot.Stdout[..reminder.Index]);
        var ended = await bot.WaitForAsync($@"Job {job} has ended after [^:]+: walltime reached\. It used [0-9.]+ node-hours \(1 node for ", TimeSpan.FromSeconds(150));

        // The follow-on's ready message comes after the first one's ended notice, keeps the token, and says what changed.
        var next = await bot.WaitForAsync($@"JupyterLab is ready again on {_cluster.Node} \(follow-on job (?<job>\d+), continuing job {job}, [^)]*\)\. (?<changed>[^\n]+).*?```(?<inside>ssh [^`]+)```.*?Then open (?<url>http://localhost:(?<port>\d+)/lab\?token=(?<token>[0-9a-f]+))", TimeSpan.FromSeconds(90), reminder.Index);
        Assert.NotEqual(job, next.Groups["job"].Value);
        Assert.True(next.Index > ended.Index, "the follow-on's ready message came before the first session's ended notice");
        Assert.Equal(first.Groups["token"].Value, next.Groups["token"].Value);
        // One node: on a port, nothing changed unless the node port was still taken when the follow-on started and it
        // moved; on a private socket (node SSH), each job has its own socket, so the tunnel is always new.
        Assert.Matches(_cluster.NodeSsh ? "^What changed: JupyterLab's socket on the node" : "^(Nothing changed|What changed: the port on the node)", next.Groups["changed"].Value);
        Assert.DoesNotContain("the token", next.Groups["changed"].Value, StringComparison.Ordinal);
        using (var tunnel = PrintedTunnel.Run(next.Groups["inside"].Value, person))
        {
            await PrintedTunnel.WaitForPortAsync(int.Parse(next.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture), tunnel);
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false });
            var status = await http.GetAsync(new Uri($"http://localhost:{next.Groups["port"].Value}/api/status?token={next.Groups["token"].Value}"));
            Assert.Equal(System.Net.HttpStatusCode.OK, status.StatusCode);
        }

        bot.Type("stop");
        await bot.WaitForAsync($@"Job {next.Groups["job"].Value} has ended after .*: stopped by you\.", TimeSpan.FromSeconds(60));
        Assert.Equal(1, Count(bot.Stdout, $@"JupyterLab is ready on {_cluster.Node} \(job {job}\b"));
        Assert.Equal(1, Count(bot.Stdout, $@"Job {job} on {_cluster.Node} reaches its walltime in 1 min 15 s"));
        Assert.Equal(1, Count(bot.Stdout, $@"Job {job} on {_cluster.Node} reaches its walltime in 45 s"));
    }

    [Theory]
    [InlineData("after-sbatch")]
    [InlineData("before-ready-saved")]
    public async Task KilledAtAFaultPoint_TheRestartedServiceCarriesOn_WithOneJobAndOneReadyMessage(string point)
    {
        var setup = StartBot();
        await LinkAsync(setup);
        setup.CloseInput();
        Assert.True(setup.WaitForExit(TimeSpan.FromSeconds(30)));

        var doomed = StartBot(crashAt: point);
        doomed.Type("start -A ccsd -t 0:10:00");
        Assert.True(doomed.WaitForExit(TimeSpan.FromSeconds(90)), "the service should have crashed at " + point);
        Assert.Contains($"Crashing at fault point {point}", doomed.Stderr, StringComparison.Ordinal);

        var revived = StartBot();
        var ready = await revived.WaitForAsync($@"JupyterLab is ready on {_cluster.Node} \(job (?<job>\d+)", TimeSpan.FromSeconds(120));
        var job = ready.Groups["job"].Value;
        revived.Type("status");
        await revived.WaitForAsync($@"job {job} on local: ready on {_cluster.Node}", TimeSpan.FromSeconds(10));
        // Once the end is printed, every message queued before it has been (a person's messages go out in order),
        // and a second submission, which would race the first, would long have shown in squeue.
        revived.Type("stop");
        await revived.WaitForAsync($@"Job {job} has ended after .*: stopped by you\.", TimeSpan.FromSeconds(60));

        var comment = _cluster.Slurm("squeue", "--noheader", "--jobs", job, "--states=all", "--format=%k").Trim();
        Assert.Equal("1", JobsWithComment(comment));
        Assert.Equal(1, Count(AllOutput, $@"JupyterLab is ready on {_cluster.Node}"));
    }

    [Fact]
    public async Task KilledWhileAReminderIsDue_TheReminderArrivesOnceAfterTheRestart()
    {
        var bot = StartBot(crashAt: "before-reminder-saved");
        await LinkAsync(bot);
        bot.Type("start -A ccsd -t 0:01:30");
        var ready = await bot.WaitForAsync($@"JupyterLab is ready on {_cluster.Node} \(job (?<job>\d+)", TimeSpan.FromSeconds(90));
        var job = ready.Groups["job"].Value;
        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(90)), "the service should have crashed when the first reminder fell due");

        var revived = StartBot();
        await revived.WaitForAsync($@"Job {job} on {_cluster.Node} reaches its walltime in 1 min 15 s", TimeSpan.FromSeconds(60));
        await revived.WaitForAsync($@"Job {job} has ended after [^:]+: walltime reached\.", TimeSpan.FromSeconds(150));

        Assert.Equal(1, Count(AllOutput, $@"Job {job} on {_cluster.Node} reaches its walltime in 1 min 15 s"));
        Assert.Equal(1, Count(AllOutput, $@"Job {job} on {_cluster.Node} reaches its walltime in 45 s"));
        Assert.Equal(1, Count(AllOutput, $@"JupyterLab is ready on {_cluster.Node}"));
    }

    [Fact]
    public async Task KilledWhileRunning_TheRestartedServiceStillSeesTheSessionAndCanStopIt()
    {
        var bot = StartBot();
        await LinkAsync(bot);
        bot.Type("start -A ccsd -t 0:10:00");
        var ready = await bot.WaitForAsync($@"JupyterLab is ready on {_cluster.Node} \(job (?<job>\d+)", TimeSpan.FromSeconds(90));
        var job = ready.Groups["job"].Value;
        bot.Kill();

        var revived = StartBot();
        revived.Type("status");
        await revived.WaitForAsync($@"job {job} on local: ready on {_cluster.Node}", TimeSpan.FromSeconds(30));
        revived.Type("stop");
        await revived.WaitForAsync($@"Job {job} has ended after .*: stopped by you\.", TimeSpan.FromSeconds(60));
        Assert.Equal(1, Count(AllOutput, $@"JupyterLab is ready on {_cluster.Node}"));
    }
}
