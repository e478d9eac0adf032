using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>
/// The console as a newcomer meets it through <c>deploy/run-local.sh</c>: the screen shows the conversation and
/// nothing else, the service's log goes to the file it names, and leaving with a session still running says so.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ConsoleConversationTests : IDisposable
{
    private const string Login = "condouser3";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-talk-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private BotProcess StartBot(string user, string logFile)
    {
        var settings = _cluster.BotSettings(_data, user);
        settings["Terminal__LogFile"] = logFile;
        return BotProcess.Start(settings, "console");
    }

    [Fact]
    public async Task TheScreenShowsOnlyTheConversation_AndTheServiceLogGoesToTheFileItNames()
    {
        var logFile = Path.Combine(_data, "condobot.log");
        using var bot = StartBot("talk" + Guid.NewGuid().ToString("N")[..6], logFile);
        await bot.WaitForAsync(@"\(The service's own log is in " + System.Text.RegularExpressions.Regex.Escape(logFile) + @"\.\)", TimeSpan.FromSeconds(60));
        bot.Type("help");
        bot.Type("status");
        bot.CloseInput();
        await bot.WaitForAsync("You have no sessions", TimeSpan.FromSeconds(30));
        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(30)), "the console exits once stdin is closed");

        var screen = bot.Stdout + bot.Stderr;
        Assert.DoesNotContain("info:", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("CommandDispatcher", screen, StringComparison.Ordinal);
        Assert.Contains("`start", bot.Stdout, StringComparison.Ordinal);
        var log = await File.ReadAllTextAsync(logFile);
        Assert.Contains("info CondoBot.Core.Handling.CommandDispatcher", log, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(logFile));
    }

    [Fact]
    public async Task EndingTheConsoleWithASessionRunning_ListsItAndSaysHowToStopIt()
    {
        using var bot = StartBot("left" + Guid.NewGuid().ToString("N")[..6], Path.Combine(_data, "condobot.log"));
        using var key = await AuthorizedKey.LinkAsync(bot, Login);
        bot.Type("start -t 0:20:00");
        var ready = await bot.WaitForAsync(@"JupyterLab is ready on \S+ \(job (?<job>\d+)", TimeSpan.FromSeconds(90));
        var job = ready.Groups["job"].Value;

        bot.CloseInput();
        var told = await bot.WaitForAsync(@"Still running on the cluster, using your allocation until they end:\n• (?<line>[^\n]+)\n(?<how>[^\n]+)", TimeSpan.FromSeconds(30));
        Assert.StartsWith($"job {job} on local: ready on ", told.Groups["line"].Value, StringComparison.Ordinal);
        Assert.Contains($"`stop {job}`", told.Groups["how"].Value, StringComparison.Ordinal);
        Assert.Contains($"`scancel {job}`", told.Groups["how"].Value, StringComparison.Ordinal);
        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(30)), "the console exits after saying so");
        Assert.Contains("RUNNING", _cluster.Slurm("squeue", "--noheader", "--jobs", job, "--format=%T"), StringComparison.Ordinal);
    }
}
