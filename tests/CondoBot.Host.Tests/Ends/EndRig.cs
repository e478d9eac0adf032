using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CondoBot.Testing;

namespace CondoBot.Host.Tests.Ends;

/// <summary>
/// A console service process on the local cluster with a linked key, for the tests of how promptly ends are told and
/// how idle labs are treated: starts sessions, reads Slurm's own end time of a job, and the bot's stored view of a session.
/// </summary>
public sealed partial class EndRig : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-ends-").FullName;
    private readonly List<IDisposable> _cleanup = [];
    private readonly List<string> _jobs = [];

    private EndRig(LocalCluster cluster, string login)
    {
        Cluster = cluster;
        Login = login;
    }

    public LocalCluster Cluster { get; }

    public string Login { get; }

    public BotProcess Bot { get; private set; } = null!;

    /// <summary>
    /// The service with a slow ready cycle of <paramref name="runningPoll"/>, so that an end told within seconds can only
    /// have been heard some other way (the watch of end markers), plus <paramref name="extra"/> settings.
    /// </summary>
    public static async Task<EndRig> StartAsync(string login, TimeSpan runningPoll, IReadOnlyDictionary<string, string>? extra = null)
    {
        var rig = new EndRig(LocalCluster.Get(), login);
        var settings = rig.Cluster.BotSettings(rig._data, "ends" + Guid.NewGuid().ToString("N")[..6]);
        settings["Sessions__RunningPollInterval"] = runningPoll.ToString("c", CultureInfo.InvariantCulture);
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) settings[key] = value;
        rig.Bot = BotProcess.Start(settings, "console");
        rig._cleanup.Add(rig.Bot);
        rig._cleanup.Add(await AuthorizedKey.LinkAsync(rig.Bot, login));
        return rig;
    }

    public T Track<T>(T item)
        where T : IDisposable
    {
        _cleanup.Add(item);
        return item;
    }

    /// <summary>Types <paramref name="start"/> and answers the job id and the match of its ready message.</summary>
    public async Task<Match> StartSessionAsync(string start, int from = 0)
    {
        Bot.Type(start);
        var ready = await Bot.WaitForAsync(
            $@"JupyterLab is ready on {Cluster.Node} \(job (?<job>\d+).*?```(?<inside>ssh [^`]+)```.*?Then open (?<url>http://localhost:(?<port>\d+)/\S*?token=(?<token>[0-9a-f]+))",
            TimeSpan.FromSeconds(120), from);
        _jobs.Add(ready.Groups["job"].Value);
        return ready;
    }

    /// <summary>Waits for the ended notice of the job; answers it and when it was printed (to within the 0.1 s the wait looks).</summary>
    public async Task<(Match Notice, DateTimeOffset At)> EndedAsync(string job, TimeSpan timeout, int from = 0)
    {
        var notice = await Bot.WaitForAsync($@"Job {job} has ended[^\n]*", timeout, from);
        return (notice, DateTimeOffset.UtcNow);
    }

    /// <summary>Slurm's own end time of the job (<c>EndTime</c>, read on the cluster, in its own time zone).</summary>
    public DateTimeOffset SlurmEndTime(string job)
    {
        var shown = Cluster.Slurm("scontrol", "show", "job", "-o", job);
        var end = EndTime().Match(shown);
        Assert.True(end.Success, "scontrol shows no end time: " + shown);
        var epoch = Cluster.Slurm("date", "-d", end.Groups[1].Value, "+%s").Trim();
        return DateTimeOffset.FromUnixTimeSeconds(long.Parse(epoch, CultureInfo.InvariantCulture));
    }

    /// <summary>The bot's stored session of the job (its data column), as the service last saved it.</summary>
    public JsonElement StoredSession(string job)
    {
        using var db = new SQLite.SQLiteConnection(Path.Combine(_data, "condobot.db"), SQLite.SQLiteOpenFlags.ReadOnly);
        var data = db.ExecuteScalar<string>("SELECT data FROM sessions WHERE job_id = ?", long.Parse(job, CultureInfo.InvariantCulture));
        return JsonDocument.Parse(data).RootElement.Clone();
    }

    public static string Property(JsonElement session, string name) =>
        session.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value is { ValueKind: not JsonValueKind.Undefined } value
            ? value.ToString()
            : "";

    public void Dispose()
    {
        foreach (var job in _jobs)
        {
            try
            {
                Cluster.Slurm("scancel", job);
            }
            catch (InvalidOperationException)
            {
                // Already gone, as it should be.
            }
        }

        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [GeneratedRegex(@"\bEndTime=(\S+)")]
    private static partial Regex EndTime();
}
