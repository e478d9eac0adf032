using CondoBot.Testing;
using Xunit.Abstractions;

namespace CondoBot.Host.Tests;

/// <summary>
/// What a person does with the ready message: run the printed tunnel command, open the printed URL in a browser (headless
/// Chromium, driven by <c>tests/browser/open-lab.mjs</c>), make a notebook and run a cell. Screenshots are kept in
/// <c>artifacts/screenshots/</c>.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
public sealed class BrowserEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private const string Login = "condouser";
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-browser-").FullName;
    private readonly List<IDisposable> _cleanup = [];

    public void Dispose()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        Directory.Delete(_data, recursive: true);
        // The notebooks the browser made, and the workspace that would reopen them in the login's next JupyterLab.
        foreach (var notebook in Directory.EnumerateFiles($"/home/{Login}", "Untitled*.ipynb")) File.Delete(notebook);
        var workspaces = $"/home/{Login}/.jupyter/lab/workspaces";
        if (Directory.Exists(workspaces)) Directory.Delete(workspaces, recursive: true);
    }

    private T Track<T>(T item)
        where T : IDisposable
    {
        _cleanup.Add(item);
        return item;
    }

    [Theory]
    [InlineData("local", "JupyterLab")]
    [InlineData("legacy", "Home Page - Select or create a notebook")]
    public async Task ThePrintedUrl_ThroughThePrintedInsideAndOutsideCommands_OpensTheClustersJupyter_AndACellRuns(string name, string title)
    {
        var cluster = LocalCluster.Get(name);
        var bot = Track(BotProcess.Start(LocalCluster.SiteSettings(_data, "browser-" + name), "console"));
        var person = Track(new UserKey(Login, cluster));
        Track(await AuthorizedKey.LinkAsync(bot, Login));
        var ready = await ReadySession.StartAsync(bot, cluster, "cnms", PrintedTunnel.FreePort());
        Assert.NotNull(ready.Outside);

        foreach (var (how, command) in new[] { ("inside", ready.Inside), ("outside", ready.Outside!) })
        {
            using var tunnel = PrintedTunnel.RunAsPrinted(command, person);
            try
            {
                await PrintedTunnel.WaitForPortAsync(ready.LocalPort, tunnel);
                var seen = await BrowserScript.RunAsync("open-lab.mjs", ready.Url, $"lab-{cluster.Name}-{how}.png", output);
                Assert.EndsWith(title, seen.GetProperty("title").GetString(), StringComparison.Ordinal);
                Assert.Equal("42", seen.GetProperty("output").GetString());
            }
            finally
            {
                tunnel.Kill(entireProcessTree: true);
                await tunnel.WaitForExitAsync();
            }

            for (var i = 0; i < 50 && await PrintedTunnel.AnswersAsync(ready.LocalPort); i++) await Task.Delay(100);
        }

        bot.Type($"stop {ready.Job}");
        await bot.WaitForAsync($@"Job {ready.Job} has ended after .*: stopped by you\.", TimeSpan.FromSeconds(60));
    }
}
