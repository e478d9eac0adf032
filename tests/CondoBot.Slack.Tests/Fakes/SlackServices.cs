using CondoBot.Core.Notices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CondoBot.Slack.Tests.Fakes;

/// <summary>The Slack front door's outbound side alone (notifier and Web API client), against a fake Slack.</summary>
public sealed class SlackServices : IDisposable
{
    private readonly ServiceProvider _provider;

    public SlackServices(Uri apiBaseUrl, string botToken = FakeSlack.BotToken)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SigningSecret"] = SignedRequests.Secret,
            ["BotToken"] = botToken,
            ["ApiBaseUrl"] = apiBaseUrl.ToString(),
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IChatStateStore>(State);
        services.AddSlack(settings);
        _provider = services.BuildServiceProvider();
    }

    public LogCapture Logs { get; } = new();

    public MemoryChatState State { get; } = new();

    public INotifier Notifier => _provider.GetServices<INotifier>().Single(n => n.Platform == "slack");

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public void Dispose() => _provider.Dispose();
}
