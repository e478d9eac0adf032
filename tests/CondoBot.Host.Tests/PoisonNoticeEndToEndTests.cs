using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>
/// The outbox holds a notice the service cannot open (sealed under a key its ring no longer has), queued ahead of the
/// person's own: the real service still delivers every other message, keeps the bad one, and says so once in its log.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
public sealed class PoisonNoticeEndToEndTests : IDisposable
{
    private const string Login = "condouser3";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-poison-").FullName;
    private readonly string _user = "poison" + Guid.NewGuid().ToString("N")[..6];
    private readonly List<IDisposable> _cleanup = [];

    public void Dispose()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private BotProcess StartBot()
    {
        var bot = BotProcess.Start(_cluster.BotSettings(_data, _user), "console");
        _cleanup.Add(bot);
        return bot;
    }

    private SQLite.SQLiteConnection Database() => new(Path.Combine(_data, "condobot.db"));

    [Fact]
    public async Task ANoticeThatCannotBeOpened_IsSetAsideAndKept_WhileThePersonsOtherMessagesArrive()
    {
        var setup = StartBot();
        _cleanup.Add(await AuthorizedKey.LinkAsync(setup, Login));
        setup.CloseInput();
        Assert.True(setup.WaitForExit(TimeSpan.FromSeconds(30)), "the setup run exits once stdin closes");
        using (var database = Database())
        {
            database.Execute(
                "INSERT INTO outbox (recipient, payload, attempts, due_at, created_at) VALUES (?, ?, 0, 0, 0)",
                "console:" + _user, RandomNumberGenerator.GetBytes(120));
        }

        var bot = StartBot();
        bot.Type("start -t 0:05:00");
        var ready = await bot.WaitForAsync($@"JupyterLab is ready on {_cluster.Node} \(job (?<job>\d+)", TimeSpan.FromSeconds(90));
        var job = ready.Groups["job"].Value;
        bot.Type($"stop {job}");
        await bot.WaitForAsync($@"Job {job} has ended after .*: stopped by you\.", TimeSpan.FromSeconds(60));

        Assert.Single(Regex.Matches(bot.Stderr, "Set aside queued notice"));
        using var after = Database();
        Assert.Equal(1, after.ExecuteScalar<int>("SELECT COUNT(*) FROM outbox WHERE set_aside_at IS NOT NULL"));
        Assert.Equal(0, after.ExecuteScalar<int>("SELECT COUNT(*) FROM outbox WHERE set_aside_at IS NULL"));
    }
}
