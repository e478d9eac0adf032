using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Handling;
using CondoBot.Core.Identity;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CondoBot.Slack.Tests.Fakes;

/// <summary>
/// The real service (<see cref="Program"/>) in memory, configured for Slack against a <see cref="FakeSlack"/>, with its
/// own data folder. Background steps are recorded instead of run, so nothing here reaches a cluster; what a request
/// did is read from the real stores.
/// </summary>
public sealed class SlackHost : WebApplicationFactory<Program>
{
    private readonly string _data;
    private readonly bool _ownsData;
    private readonly Dictionary<string, string> _settings;

    private readonly ICluster? _cluster;

    /// <param name="cluster">Stands in for the cluster seam, for tests of what the front door shows from it.</param>
    /// <param name="settings">Settings on top of the unreachable cluster <c>local</c> (another cluster, environments, the real site's login node).</param>
    /// <param name="dataDirectory">A data folder another host used before (a restart); the caller removes it.</param>
    public SlackHost(FakeSlack slack, bool socketMode = false, ICluster? cluster = null, IReadOnlyDictionary<string, string>? settings = null, string? dataDirectory = null)
    {
        _cluster = cluster;
        _ownsData = dataDirectory is null;
        _data = dataDirectory ?? Directory.CreateTempSubdirectory("condobot-slack-").FullName;
        _settings = new Dictionary<string, string>
        {
            ["Clusters:local:HostKeySha256"] = "SHA256:" + new string('A', 43),
            ["Clusters:local:LoginHost"] = "127.0.0.1",
            ["Clusters:local:LoginPort"] = "1",
            ["Storage:DataDirectory"] = _data,
            ["Slack:SigningSecret"] = SignedRequests.Secret,
            ["Slack:BotToken"] = FakeSlack.BotToken,
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
        };
        if (socketMode) _settings["Slack:AppToken"] = FakeSlack.AppToken;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) _settings[key] = value;
    }

    public RecordingWork Work { get; } = new();

    /// <summary>The chat state store as the host uses it; set its delay to make every request's writes slow.</summary>
    public SlowDisk ChatState => Get<SlowDisk>();

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Links a Slack user to a cluster login, as <c>/condo key LOGIN</c> would.</summary>
    public async Task LinkAsync(string user, string login = "condouser") =>
        await Get<IKeyVault>().IssueAsync(SlackUser.Id(SignedRequests.Team, user), new ClusterUser(login), CancellationToken.None);

    public Task<IReadOnlyList<Session>> SessionsOfAsync(string user) =>
        Get<ISessionStore>().ListAsync(SlackUser.Id(SignedRequests.Team, user), DateTimeOffset.MinValue, CancellationToken.None);

    /// <summary>A linked user with one session that Slurm has queued as <paramref name="job"/>.</summary>
    public async Task<Session> QueuedSessionAsync(string user, long job, SessionState state = SessionState.Queued, string start = "start")
    {
        await LinkAsync(user);
        await Get<CommandDispatcher>().DispatchAsync(new ChatRequest(SlackUser.Id(SignedRequests.Team, user), start), CancellationToken.None);
        var session = (await SessionsOfAsync(user))[0];
        session.JobId = new SlurmJobId(job);
        session.State = state;
        await Get<ISessionStore>().SaveAsync(session, Array.Empty<Notice>(), CancellationToken.None);
        return session;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<ISessionWork>(Work);
            var store = services.Last(d => d.ServiceType == typeof(IChatStateStore));
            services.Remove(store);
            services.AddSingleton(provider => new SlowDisk((IChatStateStore)ActivatorUtilities.CreateInstance(provider, store.ImplementationType!)));
            services.AddSingleton<IChatStateStore>(provider => provider.GetRequiredService<SlowDisk>());
            if (_cluster is not null) services.AddSingleton(_cluster);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsData && Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }
}
