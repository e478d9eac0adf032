using System.Text.RegularExpressions;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>
/// The cluster misbehaves while sessions are queued and running: the login node's sshd is down for two minutes, and
/// slurmctld restarts. Sessions resume, the user hears about the outage once per session, and nothing is lost or doubled.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
public sealed class FaultEndToEndTests : IDisposable
{
    private const string Login = "condouser";
    // The login node's sshd is stopped and started here, and slurmctld restarted: the machine's own cluster, whose
    // daemons are the machine's own.
    private readonly LocalCluster _cluster = LocalCluster.Get("legacy");
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-fault-").FullName;
    private readonly List<IDisposable> _cleanup = [];
    private string? _filler;

    public void Dispose()
    {
        if (_filler is not null) _cluster.Slurm("scancel", _filler);
        LocalCluster.Run("bash", LocalCluster.RepoFile("deploy/local-cluster/cluster.sh"), "up");
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<BotProcess> StartLinkedBotAsync(int? loginPort = null)
    {
        var settings = _cluster.BotSettings(_data, "fault" + Guid.NewGuid().ToString("N")[..6]);
        if (loginPort is { } port) settings["Clusters__local__LoginPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Sessions__RunningPollInterval"] = "00:00:05";
        settings["Sessions__TellUnreachableAfter"] = "00:01:00";
        var bot = BotProcess.Start(settings, "console");
        _cleanup.Add(bot);
        _cleanup.Add(await AuthorizedKey.LinkAsync(bot, Login));
        return bot;
    }

    /// <summary>Takes every free CPU of the node with a root job, so the next session has to wait in the queue.</summary>
    private void FillTheNode()
    {
        var running = _cluster.Slurm("squeue", "--noheader", "--states=running", "--format=%C").Split('\n', StringSplitOptions.RemoveEmptyEntries).Sum(int.Parse);
        _filler = _cluster.Slurm("sbatch", "--parsable", "--job-name=filler", "-c", Math.Max(1, 8 - running).ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", "10", "--wrap", "sleep 600").Trim();
    }

    private void FreeTheNode()
    {
        _cluster.Slurm("scancel", _filler!);
        _filler = null;
    }

    private static void Stop(string pidFile) => LocalCluster.Run("bash", "-c", $"kill $(cat {pidFile})");

    private static int Count(string text, string pattern) => Regex.Matches(text, pattern).Count;

    [Fact]
    public async Task TheLoginNodeDownForTwoMinutes_SessionsResume_AndEachUserHearsOnce()
    {
        var sshd = new PrivateSshd(2223);
        _cleanup.Add(sshd);
        var bot = await StartLinkedBotAsync(sshd.Port);
        bot.Type("start -A cnms -t 0:15:00");
        var running = (await bot.WaitForAsync($@"JupyterLab is ready on {_cluster.Node} \(job (?<job>\d+)", TimeSpan.FromSeconds(90))).Groups["job"].Value;
        FillTheNode();
        var mark = bot.Stdout.Length;
        bot.Type("start -A cnms -t 0:15:00");
        var queued = (await bot.WaitForAsync(@"Job (?<job>\d+) is queued on local", TimeSpan.FromSeconds(60), mark)).Groups["job"].Value;
        Assert.NotEqual(running, queued);

        sshd.Stop();
        await Task.Delay(TimeSpan.FromMinutes(2));
        Assert.Equal(2, Count(bot.Stdout, "I cannot reach the login node of local since"));
        sshd.Start();
        await bot.WaitForAsync($"I can reach local again; job {queued} is pending", TimeSpan.FromSeconds(60));
        await bot.WaitForAsync($"I can reach local again; job {running} is running", TimeSpan.FromSeconds(60));

        FreeTheNode();
        await bot.WaitForAsync($@"JupyterLab is ready on {_cluster.Node} \(job {queued}", TimeSpan.FromSeconds(90));
        bot.Type($"stop {running}");
        bot.Type($"stop {queued}");
        await bot.WaitForAsync($"Job {running} has ended after .*stopped by you", TimeSpan.FromSeconds(60));
        await bot.WaitForAsync($"Job {queued} has ended after .*stopped by you", TimeSpan.FromSeconds(60));

        Assert.Equal(2, Count(bot.Stdout, "I cannot reach the login node of local since"));
        Assert.Equal(1, Count(bot.Stdout, $@"JupyterLab is ready on {_cluster.Node} \(job {running}\b"));
        Assert.Equal(1, Count(bot.Stdout, $@"JupyterLab is ready on {_cluster.Node} \(job {queued}\b"));
        Assert.Equal(2, Count(bot.Stdout, "Submitting JupyterLab"));
    }

    [Fact]
    public async Task SlurmctldRestartedWhileAJobWaits_TheSessionCatchesUpAndStarts()
    {
        var bot = await StartLinkedBotAsync();
        FillTheNode();
        bot.Type("start -A cnms -t 0:15:00");
        var queued = (await bot.WaitForAsync(@"Job (?<job>\d+) is queued on local", TimeSpan.FromSeconds(60))).Groups["job"].Value;

        Stop(_cluster.PidFile("/run/slurmctld.pid"));
        await Task.Delay(TimeSpan.FromSeconds(10));
        LocalCluster.Run("bash", LocalCluster.RepoFile("deploy/local-cluster/cluster.sh"), "up");
        FreeTheNode();

        await bot.WaitForAsync($@"JupyterLab is ready on {_cluster.Node} \(job {queued}", TimeSpan.FromSeconds(120));
        bot.Type("stop");
        await bot.WaitForAsync($"Job {queued} has ended after .*stopped by you", TimeSpan.FromSeconds(60));
        Assert.Equal(1, Count(bot.Stdout, $"JupyterLab is ready on {_cluster.Node}"));
        Assert.DoesNotContain("has ended", bot.Stdout[..bot.Stdout.IndexOf("JupyterLab is ready", StringComparison.Ordinal)], StringComparison.Ordinal);
    }
}
