namespace CondoBot.Slack.Tests.Fakes;

/// <summary>
/// The service in Socket Mode against a fake Slack: started before each test, stopped after it, and no Block Kit
/// violation allowed in anything it sent.
/// </summary>
public abstract class SocketModeRig : IAsyncLifetime
{
    /// <summary>Slack's limit for acknowledging an envelope.</summary>
    protected static readonly TimeSpan AckWithin = TimeSpan.FromSeconds(3);

    protected FakeSlack Slack { get; private set; } = null!;

    protected SlackHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Slack = await FakeSlack.StartAsync();
        Host = new SlackHost(Slack, socketMode: true);
        _ = Host.Services;
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Slack.DisposeAsync();
        Assert.Empty(Slack.Violations);
    }

    /// <summary>The service's next connection, greeted with Slack's <c>hello</c>.</summary>
    protected async Task<FakeSocket> ConnectedAsync()
    {
        var socket = await Slack.NextSocketAsync(TimeSpan.FromSeconds(15));
        await socket.HelloAsync();
        return socket;
    }
}
