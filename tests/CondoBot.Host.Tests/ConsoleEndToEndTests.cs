using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>
/// The whole path on the real local cluster, through the console front door of the real service process: link a key,
/// authorize it, start, receive the tunnel command, run it as printed, reach JupyterLab with the token, stop.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
public sealed partial class ConsoleEndToEndTests : IDisposable
{
    private const string Login = "condouser2";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-e2e-").FullName;
    private readonly List<IDisposable> _cleanup = [];

    public void Dispose()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private BotProcess StartBot(string user) => Track(BotProcess.Start(_cluster.BotSettings(_data, user), "console"));

    [Fact]
    public async Task AUser_LinksAKey_StartsJupyterLab_ReachesItThroughThePrintedTunnel_AndStopsIt()
    {
        var user = "e2e" + Guid.NewGuid().ToString("N")[..6];
        using var bot = StartBot(user);
        var person = Track(new UserKey(Login, _cluster));

        var key = await AuthorizedKey.LinkAsync(bot, Login);
        _cleanup.Add(key);
        Assert.Contains("' | base64 -d | gunzip | sh -s 'restrict,command=\"/bin/sh $HOME/.condobot/gate-", bot.Stdout, StringComparison.Ordinal);

        bot.Type("key check");
        await bot.WaitForAsync($"Your key works: I logged in to {_cluster.LoginHost} as condouser2", TimeSpan.FromSeconds(30));

        var localPort = PrintedTunnel.FreePort();
        bot.Type($"/condo start -A ccsd -p {localPort} -t 0:30:00");
        await bot.WaitForAsync(@"Submitting JupyterLab on local as condouser2 \(account ccsd, 1 node, 30 min\)", TimeSpan.FromSeconds(10));
        var ready = await bot.WaitForAsync($@"JupyterLab is ready on {_cluster.Node} \(job (?<job>\d+).*?```(?<inside>ssh [^`]+)```.*?Then open (?<url>http://localhost:\d+/lab\?token=(?<token>[0-9a-f]+))", TimeSpan.FromSeconds(90));
        var job = ready.Groups["job"].Value;
        var inside = ready.Groups["inside"].Value;
        Assert.Matches(_cluster.InsidePattern("condouser2", localPort), inside);
        Assert.Contains($"RUNNING", _cluster.Slurm("squeue", "--noheader", "--jobs", job, "--format=%T"), StringComparison.Ordinal);

        using (var tunnel = PrintedTunnel.Run(inside, person))
        {
            await PrintedTunnel.WaitForPortAsync(localPort, tunnel);
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false });
            var token = ready.Groups["token"].Value;
            var status = await http.GetAsync(new Uri($"http://localhost:{localPort}/api/status?token={token}"));
            Assert.Equal(System.Net.HttpStatusCode.OK, status.StatusCode);
            // The default cluster runs JupyterLab 4: the printed URL is its UI.
            var lab = await http.GetAsync(new Uri(ready.Groups["url"].Value));
            Assert.Equal(System.Net.HttpStatusCode.OK, lab.StatusCode);
            Assert.Contains("<title>JupyterLab</title>", await lab.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var anonymous = await http.GetAsync(new Uri($"http://localhost:{localPort}/api/status"));
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, anonymous.StatusCode);
        }

        bot.Type("stop");
        await bot.WaitForAsync($"Stopping job {job}", TimeSpan.FromSeconds(10));
        await bot.WaitForAsync($@"Job {job} has ended after .*: stopped by you\.", TimeSpan.FromSeconds(60));
        Assert.Equal("", _cluster.Slurm("squeue", "--noheader", "--jobs", job, "--states=running,pending").Trim());
        Assert.False(await _cluster.JupyterAnswersAsync(inside), "Jupyter must have exited with its job");

        // Revoking is complete without the person doing anything on the login node: the gate removed the key's line.
        bot.Type("key revoke");
        await bot.WaitForAsync($"I have forgotten your key.*The key was removed from ~/.ssh/authorized_keys on {Regex.Escape(_cluster.LoginHost)}: nothing is left for you to do there.", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(File.ReadAllLines($"/home/{Login}/.ssh/authorized_keys"), l => l.EndsWith(" " + key.Comment, StringComparison.Ordinal));

        bot.CloseInput();
        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(30)), "the console exits once stdin is closed and nothing is pending");
        Assert.Equal(0, bot.ExitCode);
        Assert.DoesNotContain(ready.Groups["token"].Value, bot.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipedInput_IsAnsweredLineByLine_AndTheConsoleExitsWhenItEnds()
    {
        using var bot = StartBot("piped");
        bot.Type("status");
        bot.Type("start -n two");
        bot.Type("frobnicate");
        bot.CloseInput();

        await bot.WaitForAsync("You have no sessions", TimeSpan.FromSeconds(60));
        await bot.WaitForAsync("`two` is not a node count: use a whole number from 1 to 64\\.\nUsage: start ", TimeSpan.FromSeconds(10));
        await bot.WaitForAsync("Unknown command `frobnicate`", TimeSpan.FromSeconds(10));
        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, bot.ExitCode);
    }

    private T Track<T>(T item)
        where T : IDisposable
    {
        _cleanup.Add(item);
        return item;
    }

}

/// <summary>Tests that start jobs on the shared local cluster run one class at a time.</summary>
[CollectionDefinition(nameof(LocalClusterCollection), DisableParallelization = true)]
public sealed class LocalClusterCollection;
