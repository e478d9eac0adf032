using CondoBot.Cluster;
using CondoBot.Cluster.Ssh;
using CondoBot.Core.Clusters;
using CondoBot.Core.Handling;
using CondoBot.Core.Identity;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using SessionOptions = CondoBot.Core.Sessions.SessionOptions;
using CondoBot.Host.Configuration;
using CondoBot.Jobs;
using Hangfire;
using Microsoft.Extensions.Options;

namespace CondoBot.Host;

/// <summary>Everything every front door shares: settings, storage, the cluster boundary, background work.</summary>
public static class CondoBotServices
{
    public static IServiceCollection AddCondoBot(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateNamed(StorageOptions.Section);
        services.AddOptions<SessionOptions>().Bind(configuration.GetSection("Sessions")).ValidateNamed("Sessions");
        // The list form (Sessions__RemindBefore__0, __1, ...), as the environment writes a list, replaces the comma form.
        services.PostConfigure<SessionOptions>(o =>
        {
            var items = configuration.GetSection("Sessions:RemindBefore").GetChildren().ToList();
            if (items.Count > 0) o.RemindBefore = string.Join(",", items.Select(i => i.Value ?? ""));
        });
        services.AddOptions<JobOptions>().Bind(configuration.GetSection(JobOptions.Section)).ValidateNamed(JobOptions.Section);
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.Section)).ValidateNamed(AdminOptions.Section);
        services.AddOptions<ClusterSettings>().Configure(s => ClusterSettings.Read(configuration.GetSection(ClusterSettings.Section), s)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterSettings>, ClusterSettingsValidator>();
        services.AddOptions<LoginNodeOptions>().Bind(configuration.GetSection(LoginNodeOptions.Section)).ValidateNamed(LoginNodeOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ClusterSettings>>().Value.Catalog());

        var data = DataDirectory(configuration);
        services.AddCondoBotStorage(configuration, data);
        services.AddCondoBotMetrics();
        services.AddCondoBotAudit(configuration);
        services.AddSlurmOverSsh();

        services.AddSingleton<NoticeDispatcher>();
        services.AddHostedService<OutboxPump>();

        services.AddSingleton(configuration["Faults:CrashAt"] is { Length: > 0 } point ? new CrashAtFaultPoint(point) : FaultPoints.None);
        services.AddSingleton<RefusedLogins>();
        var started = DateTimeOffset.UtcNow;
        services.AddSingleton(sp => new BacklogLogins(
            sp.GetRequiredService<ISessionStore>(), sp.GetRequiredService<ISessionWork>(), sp.GetRequiredService<RefusedLogins>(), sp.GetRequiredService<TimeProvider>(), started));
        services.AddSingleton<SessionWorkflow>();
        services.AddSingleton<SessionWatchdog>();
        services.AddHostedService<WatchdogService>();
        services.AddHostedService<EndWatchService>();
        services.AddSingleton<KeyCheck>();
        services.AddCommandHandlers();

        services.AddTransient<SessionSteps>();
        // Steps resolved when run: SessionSteps needs the workflow, which needs this.
        services.AddSingleton<JobWriter>();
        services.AddSingleton(sp => new HangfireSessionWork(sp.GetRequiredService<IBackgroundJobClient>(), sp.GetRequiredService<SessionSteps>, sp.GetRequiredService<JobWriter>()));
        services.AddSingleton<ISessionWork>(sp => sp.GetRequiredService<HangfireSessionWork>());
        services.AddHangfire(hangfire => hangfire
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseFilter(new JobQueueMetrics())
            .UseFilter(new BackgroundThreads())
            .UseCondoBotJobStorage(configuration, data));
        // Two servers: one takes both lanes, fresh steps first where the storage orders them; the other only fresh
        // steps, so a backlog of steps queued again (failing sessions, a restart's leftovers) never holds every worker.
        // The second is lightweight: its workers only. The first one's scheduler already moves every due step to its
        // queue, and a second scheduler polling the same storage doubled that work (each move takes the storage's lock
        // and several transactions).
        services.AddHangfireServer(server =>
        {
            server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            server.WorkerCount = Math.Max(4, Environment.ProcessorCount * 2);
            server.Queues = [SessionSteps.FreshQueue, SessionSteps.BacklogQueue];
        });
        services.AddHangfireServer(server =>
        {
            server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            server.WorkerCount = Math.Max(2, Environment.ProcessorCount);
            server.Queues = [SessionSteps.FreshQueue];
            server.IsLightweightServer = true;
        });
        services.AddHostedService<StepHandOverPump>();
        return services;
    }

    public static string DataDirectory(IConfiguration configuration)
    {
        var configured = configuration["Storage:DataDirectory"];
        var path = Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "data" : configured);
        PrivateDirectory(path);
        return path;
    }

    /// <summary>Creates the folder readable by the service's user only: it holds the key ring and sealed keys.</summary>
    internal static DirectoryInfo PrivateDirectory(string path)
    {
        var info = Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return info;
    }
}
