using CondoBot.Core.Clusters;
using CondoBot.Core.Handling;
using CondoBot.Core.Identity;
using CondoBot.Core.Sessions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CondoBot.Core.Tests.Fakes;

/// <summary>The core wired to small fakes: handlers, workflow and dispatcher as the host wires them.</summary>
internal sealed class CoreRig
{
    public static readonly ChatUserId Alice = new("test", "alice");
    public static readonly ChatUserId Bob = new("test", "bob");

    public CoreRig()
    {
        Clusters = new ClusterCatalog([new ClusterProfile
        {
            Name = "condo",
            LoginHost = "login.example.org",
            LoginPort = 22,
            HostKeySha256 = "SHA256:" + new string('A', 43),
            ExternalLoginHost = "ext.example.org",
            DefaultAccount = "birthright",
            Environments =
            {
                ["pytorch"] = new ClusterEnvironment { Preamble = "module load pytorch/2.5", Description = "PyTorch 2.5 with CUDA 12" },
                ["rapids"] = new ClusterEnvironment { Preamble = "module load rapids", LaunchCommand = "jupyter-lab" },
            },
        }]);
        Store.HandOverTo = Work;
        var options = Microsoft.Extensions.Options.Options.Create(Settings);
        Options = options;
        Workflow = new SessionWorkflow(Store, Claims, Store, Cluster, Clusters, Work, Audit, Options, Time, NullLogger<SessionWorkflow>.Instance, new RefusedLogins(Time));
        Dispatcher = new CommandDispatcher(
            new StartHandler(Keys, Store, Clusters, Time),
            new StopHandler(Store, options, Time),
            new StatusHandler(Store, options, Time),
            new TunnelHandler(Store, Work, options, Time),
            new RenewHandler(Store, options, Time),
            new KeyHandler(Keys, Cluster, new PlainKeyInstallation(), Work, Clusters, Audit, Time),
            new EnvsHandler(Clusters),
            new KeepHandler(Store, options, Time),
            Audit,
            Time,
            NullLogger<CommandDispatcher>.Instance);
    }

    public SessionOptions Settings { get; } = new();

    public IOptions<SessionOptions> Options { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    public InMemoryStore Store { get; } = new();
    public MemoryClaims Claims { get; } = new();
    public ScriptedCluster Cluster { get; } = new();
    public RecordingWork Work { get; } = new();
    public MemoryKeyVault Keys { get; } = new();
    public MemoryAuditLog Audit { get; } = new();
    public ClusterCatalog Clusters { get; }
    public SessionWorkflow Workflow { get; }
    public CommandDispatcher Dispatcher { get; }

    public async Task<string> SayAsync(ChatUserId user, string text) =>
        (await Dispatcher.DispatchAsync(new ChatRequest(user, text), CancellationToken.None)).Text;

    public async Task<SessionId> StartLinkedAsync(ChatUserId user, string text = "start -A cnms -t 2:00:00")
    {
        await Keys.IssueAsync(user, new ClusterUser(user.Id), CancellationToken.None);
        await SayAsync(user, text);
        return Work.Steps.Last(s => s.Step == "submit").Session!.Value;
    }

    /// <summary>Runs the latest queued poll for the session, as Hangfire would when it falls due.</summary>
    public Task PollAsync(SessionId id)
    {
        var poll = Work.Steps.Last(s => s.Step == "poll" && s.Session == id);
        return Workflow.PollAsync(id, poll.Token, CancellationToken.None);
    }
}
