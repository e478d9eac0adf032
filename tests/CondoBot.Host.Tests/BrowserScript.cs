using System.Diagnostics;
using System.Text.Json;
using CondoBot.Testing;
using Xunit.Abstractions;

namespace CondoBot.Host.Tests;

/// <summary>
/// Runs one of the scripts in <c>tests/browser/</c> (headless Chromium through playwright-core) on a URL; its screenshot
/// is kept in <c>artifacts/screenshots/</c>.
/// </summary>
internal static class BrowserScript
{
    /// <summary>Answers the JSON line the script printed, or fails with what it said and where the screenshot is.</summary>
    public static async Task<JsonElement> RunAsync(string script, string url, string screenshotName, ITestOutputHelper output)
    {
        var folder = Directory.CreateDirectory(LocalCluster.RepoFile("artifacts/screenshots")).FullName;
        var screenshot = Path.Combine(folder, screenshotName);
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(LocalCluster.RepoFile($"tests/browser/{script}"));
        start.ArgumentList.Add(url);
        start.ArgumentList.Add(screenshot);
        using var browser = Process.Start(start)!;
        var stdout = browser.StandardOutput.ReadToEndAsync();
        var stderr = browser.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await browser.WaitForExitAsync(timeout.Token);
        output.WriteLine($"screenshot: {screenshot}");
        Assert.True(browser.ExitCode == 0, $"the browser did not get through JupyterLab with {script} (screenshot {screenshot}):\n{await stderr}");
        var seen = (await stdout).Trim();
        output.WriteLine($"{script}: {seen}");
        return JsonDocument.Parse(seen).RootElement.Clone();
    }
}
