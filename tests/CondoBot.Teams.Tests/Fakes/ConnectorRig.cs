using CondoBot.Core;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tunnels;
using CondoBot.Teams.Connector;
using CondoBot.Teams.Notifying;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CondoBot.Teams.Tests.Fakes;

/// <summary>The Teams front door's outgoing half on its own, with a fake clock, talking to a <see cref="FakeBotService"/>.</summary>
public sealed class ConnectorRig : IAsyncDisposable
{
    private ConnectorRig(FakeBotService bot, ServiceProvider services)
    {
        Bot = bot;
        Services = services;
    }

    public FakeBotService Bot { get; }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time => (FakeTimeProvider)Services.GetRequiredService<TimeProvider>();

    public MemoryChatState State => (MemoryChatState)Services.GetRequiredService<IChatStateStore>();

    public TeamsNotifier Notifier => Services.GetServices<INotifier>().OfType<TeamsNotifier>().Single();

    public ConnectorClient Connector => Services.GetRequiredService<ConnectorClient>();

    public static async Task<ConnectorRig> StartAsync()
    {
        var bot = await FakeBotService.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Teams:AppId"] = FakeBotService.AppId,
            ["Teams:AppPassword"] = FakeBotService.AppPassword,
            ["Teams:TenantId"] = FakeBotService.TenantId,
            ["Teams:OpenIdMetadataUrl"] = bot.BotFrameworkMetadataUrl,
            ["Teams:TokenEndpoint"] = bot.TokenEndpoint,
        }).Build();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow))
            .AddSingleton<IChatStateStore, MemoryChatState>()
            .AddTeamsFrontDoor(configuration)
            .BuildServiceProvider();
        return new ConnectorRig(bot, services);
    }

    /// <summary>
    /// A person the bot has heard from in an authenticated activity, in their 1:1 chat or only in a channel; answers
    /// their chat id on the platform-free side.
    /// </summary>
    public async Task<ChatUserId> KnownPersonAsync(TestPerson person, bool inPersonalChat)
    {
        await Services.GetRequiredService<TrustedServiceUrls>().TrustAsync(Bot.ServiceUrl, CancellationToken.None);
        await Services.GetRequiredService<ConversationReferences>().SaveAsync(new ConversationReference(
            Bot.ServiceUrl, FakeBotService.TenantId, TestActivities.BotId, person.UserId, person.AadObjectId,
            inPersonalChat ? PersonalConversation(person) : null), CancellationToken.None);
        return new ChatUserId(TeamsNotifier.PlatformName, person.AadObjectId);
    }

    public static string PersonalConversation(TestPerson person) => "a:personal-" + person.UserId;

    /// <summary>The Connector path of a person's 1:1 chat, percent-encoded as it must go on the wire.</summary>
    public static string PersonalPath(TestPerson person) => "/v3/conversations/" + Uri.EscapeDataString(PersonalConversation(person)) + "/activities";

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Bot.DisposeAsync();
    }
}

/// <summary>Sessions and tunnels as the core describes them, for notices.</summary>
public static class Sessions
{
    public static SessionView View(SessionState state, long job = 4242, string? node = null, EndReason? ended = null) => new(
        new SessionId(Guid.Parse("0b7c2a4e-5f7d-4c55-9a43-2d8a8f9e1c11")), new SlurmJobId(job), state, "local", "birthright", "", 1,
        TimeSpan.FromMinutes(10), 5959, node, state == SessionState.Queued ? "Resources" : null,
        state == SessionState.Ready ? new DateTimeOffset(2030, 1, 1, 12, 9, 0, TimeSpan.Zero) : null,
        state == SessionState.Ready ? TimeSpan.FromMinutes(9) : null, ended, null,
        state is SessionState.Ready or SessionState.Ended ? TimeSpan.FromMinutes(1) : null, false);

    public static TunnelInstructions Tunnel() => new(
        "node001", 5959, "ssh -N -p 2222 -L 5959:node001:23456 condo_user3@127.0.0.1", null, [],
        "http://localhost:5959/lab?token=0123456789abcdef");
}
