using System.Diagnostics;
using System.Net;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>
/// Every instruction the ready message prints, run as printed on the host it names, with only the person's own ssh
/// configuration added (identity, known hosts, agent): the inside command, the outside (<c>-J</c>) command through the
/// site's external login host, each step of the step-by-step variant, and the <c>tunnel</c> resend. Each must reach
/// JupyterLab with the printed token, on both clusters of the local site: <c>local</c> with node SSH (to JupyterLab's
/// Unix socket on the node), <c>legacy</c> without (to the node's port).
/// </summary>
[Collection(nameof(LocalClusterCollection))]
public sealed class PrintedInstructionsEndToEndTests : IDisposable
{
    private const string Login = "condouser";
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-printed-").FullName;
    private readonly List<IDisposable> _cleanup = [];

    public void Dispose()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private T Track<T>(T item)
        where T : IDisposable
    {
        _cleanup.Add(item);
        return item;
    }

    [Theory]
    [InlineData("local")]
    [InlineData("legacy")]
    public async Task TheInsideAndOutsideCommands_AndTheTunnelResend_EachReachJupyterLab_AsPrinted(string name)
    {
        var cluster = LocalCluster.Get(name);
        var bot = Track(BotProcess.Start(LocalCluster.SiteSettings(_data, "printed-" + name), "console"));
        var person = Track(new UserKey(Login, cluster));
        Track(await AuthorizedKey.LinkAsync(bot, Login));

        var ready = await ReadySession.StartAsync(bot, cluster, "cnms", PrintedTunnel.FreePort());
        Assert.Equal(cluster.Node, ready.Node);
        if (cluster.NodeSsh)
        {
            // To JupyterLab's socket over SSH to the node itself, through the login node (and first the external host).
            var socket = Forwarded(ready);
            Assert.Matches("^" + LocalCluster.SocketPathPattern + "$", socket);
            Assert.Equal($"ssh -N -J {Login}@{cluster.LoginHost}:{cluster.LoginPort} -L {ready.LocalPort}:{socket} {Login}@{cluster.Node}", ready.Inside);
            Assert.Equal($"ssh -N -J {Login}@{cluster.ExternalLoginHost},{Login}@{cluster.LoginHost}:{cluster.LoginPort} -L {ready.LocalPort}:{socket} {Login}@{cluster.Node}", ready.Outside);
            Assert.Empty(ready.Steps);
            cluster.AssertNodeForwardsToSockets();
        }
        else
        {
            Assert.Equal($"ssh -N -p {cluster.LoginPort} -L {ready.LocalPort}:{cluster.Node}:{NodePort(ready)} {Login}@{cluster.LoginHost}", ready.Inside);
            Assert.Equal($"ssh -N -J {Login}@{cluster.ExternalLoginHost} -p {cluster.LoginPort} -L {ready.LocalPort}:{cluster.Node}:{NodePort(ready)} {Login}@{cluster.LoginHost}", ready.Outside);
        }

        await AssertReachesJupyterLabAsync(cluster, ready, [PrintedTunnel.RunAsPrinted(ready.Inside, person)]);
        await AssertReachesJupyterLabAsync(cluster, ready, [PrintedTunnel.RunAsPrinted(ready.Outside!, person)]);

        var mark = bot.Stdout.Length;
        bot.Type($"tunnel {ready.Job}");
        var resent = await ReadySession.NextAsync(bot, mark);
        Assert.Equal(ready.Inside, resent.Inside);
        await AssertReachesJupyterLabAsync(cluster, resent, [PrintedTunnel.RunAsPrinted(resent.Inside, person)]);

        bot.Type($"stop {ready.Job}");
        await bot.WaitForAsync($@"Job {ready.Job} has ended after .*: stopped by you\.", TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// The step-by-step variant exists only where JupyterLab listens on a port (without node SSH), so the Debian 13
    /// cluster runs here with <c>NodeSsh</c> off. On that cluster only: on one machine every host shares the loopback
    /// interface, and the machine's own cluster runs JupyterLab on 127.0.0.1, the very address where the step-by-step
    /// relay (on the external login host's localhost, on the node's port) has to listen. The Debian 13 node listens on
    /// its own address, as a real node does.
    /// </summary>
    [Fact]
    public async Task EachStepOfTheStepByStepVariant_RunOnTheHostItNames_ReachesJupyterLab()
    {
        var cluster = LocalCluster.Get("local");
        var settings = LocalCluster.SiteSettings(_data, "steps");
        settings["Clusters__local__NodeSsh"] = "false";
        var bot = Track(BotProcess.Start(settings, "console"));
        var person = Track(new UserKey(Login, cluster));
        Track(await AuthorizedKey.LinkAsync(bot, Login));

        var ready = await ReadySession.StartAsync(bot, cluster, "cnms", PrintedTunnel.FreePort());
        Assert.Equal(4, ready.Steps.Count);
        var onYourComputer = After("On your computer: ", ready.Steps[0]);
        var secondTerminal = After("In a second terminal: ", ready.Steps[1]);
        var there = After("There: ", ready.Steps[2]);
        Assert.Equal("Open " + ready.Url, ready.Steps[3]);
        Assert.Equal($"ssh {Login}@{cluster.ExternalLoginHost}", secondTerminal);

        // The relay on the external login host first (the second terminal, logged in there), then the forward to it.
        var relay = PrintedTunnel.RunAsPrinted(secondTerminal, person, typed: there);
        var relayPort = NodePort(ready);
        await WaitUntilListeningOnExternalHostAsync(relayPort, relay);
        await AssertReachesJupyterLabAsync(cluster, ready, [PrintedTunnel.RunAsPrinted(onYourComputer, person), relay]);

        bot.Type($"stop {ready.Job}");
        await bot.WaitForAsync($@"Job {ready.Job} has ended after .*: stopped by you\.", TimeSpan.FromSeconds(60));
    }

    private static string After(string prefix, string step)
    {
        Assert.StartsWith(prefix, step, StringComparison.Ordinal);
        return step[prefix.Length..];
    }

    /// <summary>What the inside command forwards the local port to: the node's port, or the socket's path.</summary>
    private static string Forwarded(ReadySession ready) => ready.Inside.Split(' ')[Array.IndexOf(ready.Inside.Split(' '), "-L") + 1].Split(':', 2)[1];

    private static int NodePort(ReadySession ready) => int.Parse(ready.Inside.Split(':')[^1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The relay listens on the external login host's localhost, which on this machine is 127.0.0.1.</summary>
    private static async Task WaitUntilListeningOnExternalHostAsync(int port, Process relay)
    {
        for (var i = 0; i < 150; i++)
        {
            if (relay.HasExited) throw new InvalidOperationException("the second terminal's ssh exited: " + await relay.StandardError.ReadToEndAsync());
            if (await PrintedTunnel.AnswersAsync(port)) return;
            await Task.Delay(100);
        }

        throw new TimeoutException($"nothing listens on the external login host's port {port}");
    }

    /// <summary>Opens the printed URL through the running tunnel: JupyterLab 4's UI on <c>local</c>, the classic Notebook's on <c>legacy</c>.</summary>
    private static async Task AssertReachesJupyterLabAsync(LocalCluster cluster, ReadySession ready, Process[] tunnel)
    {
        try
        {
            await PrintedTunnel.WaitForPortAsync(ready.LocalPort, tunnel[0]);
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false });
            var status = await http.GetAsync(new Uri($"http://localhost:{ready.LocalPort}/api/status?token={ready.Token}"));
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(new Uri($"http://localhost:{ready.LocalPort}/api/status"))).StatusCode);
            // The printed URL is the cluster's web UI: JupyterLab 4 on local, the classic Notebook's file list on legacy.
            Assert.EndsWith(cluster.UrlPath + "?token=" + ready.Token, ready.Url, StringComparison.Ordinal);
            var page = await http.GetAsync(new Uri(ready.Url));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var title = cluster.Name == "local" ? "<title>JupyterLab</title>" : "<title>Home Page - Select or create a notebook</title>";
            Assert.Contains(title, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var process in tunnel)
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                process.Dispose();
            }
        }

        // The local port is free again for the next command.
        for (var i = 0; i < 50 && await PrintedTunnel.AnswersAsync(ready.LocalPort); i++) await Task.Delay(100);
    }
}
