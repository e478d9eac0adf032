using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>
/// There is no container engine here, so this checks what it can of the Dockerfile: its publish command works, and the
/// published app runs as an unprivileged user with only a writable data folder and answers its probes.
/// </summary>
public sealed partial class DockerfileTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("condobot-docker-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void TheDockerfile_BuildsWithTheSdk_RunsOnTheAspNetRuntime_AsANonRootUser_WithAHealthCheck_AndNoSecrets()
    {
        var dockerfile = File.ReadAllText(LocalCluster.RepoFile("Dockerfile"));

        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$", dockerfile);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0$", dockerfile);
        Assert.Matches(@"(?m)^USER \$APP_UID$", dockerfile);
        Assert.Matches(@"(?m)^VOLUME /data$", dockerfile);
        Assert.Matches(@"(?m)^HEALTHCHECK .*\n.*/healthz", dockerfile);
        Assert.DoesNotMatch(@"(?im)^(ENV|ARG).*(password|secret|token|HostKeySha256)", dockerfile);
    }

    [Fact]
    public async Task TheDockerfilesPublishCommand_Succeeds_AndThePublishedApp_AnswersHealthzAndReadyz_AsNobody()
    {
        var cluster = LocalCluster.Get();
        var publish = PublishCommand().Match(File.ReadAllText(LocalCluster.RepoFile("Dockerfile")));
        Assert.True(publish.Success, "the Dockerfile has a `RUN dotnet publish ... --output /app` line");
        var output = Path.Combine(_work, "app");
        Run("dotnet", ["publish", .. publish.Groups["args"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--output", output]);
        Assert.True(File.Exists(Path.Combine(output, "CondoBot.Host.dll")));

        // As in the image: the app folder readable by all, the data folder the only thing the user may write.
        Run("chmod", ["755", _work]);
        var data = Directory.CreateDirectory(Path.Combine(_work, "data")).FullName;
        Run("chown", ["nobody", data]);
        var port = WebBot.FreePort();
        var start = new ProcessStartInfo("runuser") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = output };
        foreach (var a in new[] { "-u", "nobody", "--", "dotnet", Path.Combine(output, "CondoBot.Host.dll") }) start.ArgumentList.Add(a);
        foreach (var (key, value) in cluster.BotSettings(data, "docker")) start.Environment[key] = value;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["HOME"] = data;
        using var app = Process.Start(start)!;
        var log = app.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            Assert.Equal("ok", await PollAsync(http, "/healthz", app, log));
            var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            Assert.True(ready.StatusCode == HttpStatusCode.OK, await ready.Content.ReadAsStringAsync());
            Assert.All(DotnetUids(app.Id), uid => Assert.NotEqual("0", uid));
            Assert.True(File.Exists(Path.Combine(data, "condobot.db")), "the state is written to the data folder");
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            app.WaitForExit();
        }

        Assert.DoesNotContain("Unhandled exception", await log, StringComparison.Ordinal);
    }

    private static async Task<string> PollAsync(HttpClient http, string path, Process app, Task<string> log)
    {
        for (var i = 0; i < 300; i++)
        {
            Assert.False(app.HasExited, "the published app exited: " + (app.HasExited ? await log : ""));
            try
            {
                return await http.GetStringAsync(new Uri(path, UriKind.Relative));
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException("the published app did not answer " + path);
    }

    /// <summary>The user ids of the app's processes (runuser may stay as root while it waits; the app must not).</summary>
    private static List<string> DotnetUids(int pid)
    {
        var id = pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var uids = LocalCluster.Run("ps", "-o", "uid=,args=", "-p", id, "--ppid", id).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.Contains("CondoBot.Host.dll", StringComparison.Ordinal) && !line.Contains("runuser", StringComparison.Ordinal))
            .Select(line => line.Trim().Split(' ')[0]).ToList();
        Assert.NotEmpty(uids);
        return uids;
    }

    /// <summary>Runs a command to its end (publishing takes minutes on a small machine), failing with its output.</summary>
    private static void Run(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = LocalCluster.RepoFile("") };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(10)), file + " did not finish in 10 minutes");
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
    }

    [GeneratedRegex(@"(?m)^RUN dotnet publish (?<args>.+?) --output /app$")]
    private static partial Regex PublishCommand();
}
