using System.Diagnostics;
using System.Text.Json;
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

    [Fact]
    public async Task ThePrintedUrl_ThroughThePrintedInsideAndOutsideCommands_OpensJupyterLab_AndACellRuns()
    {
        var cluster = LocalCluster.Get("local");
        var bot = Track(BotProcess.Start(LocalCluster.SiteSettings(_data, "browser"), "console"));
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
                var seen = await OpenInBrowserAsync(ready.Url, $"lab-{cluster.Name}-{how}.png");
                Assert.EndsWith("JupyterLab", seen.GetProperty("title").GetString(), StringComparison.Ordinal);
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

    /// <summary>Runs the browser script on the URL; answers what it saw, or fails with what it said and where the screenshot is.</summary>
    private async Task<JsonElement> OpenInBrowserAsync(string url, string screenshotName)
    {
        var folder = Directory.CreateDirectory(LocalCluster.RepoFile("artifacts/screenshots")).FullName;
        var screenshot = Path.Combine(folder, screenshotName);
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(LocalCluster.RepoFile("tests/browser/open-lab.mjs"));
        start.ArgumentList.Add(url);
        start.ArgumentList.Add(screenshot);
        using var browser = Process.Start(start)!;
        var stdout = browser.StandardOutput.ReadToEndAsync();
        var stderr = browser.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await browser.WaitForExitAsync(timeout.Token);
        output.WriteLine($"screenshot: {screenshot}");
        Assert.True(browser.ExitCode == 0, $"the browser did not get through JupyterLab (screenshot {screenshot}):\n{await stderr}");
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }
}
