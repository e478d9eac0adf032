using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>
/// An idle lab on the real local cluster, through the console front door of the real service process: a real
/// JupyterLab left alone is asked about once its idle time has passed, and, the question unanswered, is stopped by the
/// bot, which says why and what that saved.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
public sealed class IdleEndToEndTests : IDisposable
{
    private const string Login = "condouser2";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-idle-").FullName;
    private readonly List<IDisposable> _cleanup = [];

    public void Dispose()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task AnUntouchedJupyterLab_GetsTheIdleQuestion_AndUnansweredIsStoppedAsIdle()
    {
        var settings = _cluster.BotSettings(_data, "idle" + Guid.NewGuid().ToString("N")[..6]);
        settings["Sessions__IdleGrace"] = "00:00:20";
        using var bot = BotProcess.Start(settings, "console");
        _cleanup.Add(bot);
        var key = await AuthorizedKey.LinkAsync(bot, Login);
        _cleanup.Add(key);

        bot.Type($"start -A ccsd -p {PrintedTunnel.FreePort()} -t 0:10:00 --idle 45s");
        var ready = await bot.WaitForAsync($@"JupyterLab is ready on {_cluster.Node} \(job (?<job>\d+)", TimeSpan.FromSeconds(90));
        var job = ready.Groups["job"].Value;
        try
        {
            await bot.WaitForAsync($@"JupyterLab on {_cluster.Node} has been idle for \d+ (s|min) \(1 node, \d\.\d\d node-hours so far\)\.\n.*`keep {job} 2h`.*`stop {job}`", TimeSpan.FromSeconds(90));
            await bot.WaitForAsync(
                $@"Job {job} has ended after .*: stopped as idle .*Stopping it saved \d\.\d\d node-hours of the allocation \(\d+ min( \d+ s)? of its 10 min walltime left, on 1 node\)\.",
                TimeSpan.FromSeconds(60));
            Assert.Equal("", _cluster.Slurm("squeue", "--noheader", "--jobs", job, "--states=running,pending").Trim());
        }
        finally
        {
            try
            {
                _cluster.Slurm("scancel", job);
            }
            catch (InvalidOperationException)
            {
                // Already gone, as it should be.
            }
        }

        bot.CloseInput();
        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(30)));
    }
}
