using CondoBot.Slack.Tests.Fakes;

namespace CondoBot.Slack.Tests;

/// <summary>A fake Slack and the service configured for it, shared by the tests of one class.</summary>
public sealed class SlackHostFixture : IAsyncLifetime
{
    public FakeSlack Slack { get; private set; } = null!;

    public SlackHost Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Slack = await FakeSlack.StartAsync();
        Host = new SlackHost(Slack);
        Client = Host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await Slack.DisposeAsync();
    }
}
