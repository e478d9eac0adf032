namespace CondoBot.Teams.Tests.Fakes;

/// <summary>One fake Bot Service and one in-memory service per test class; tests keep apart by using their own people.</summary>
public sealed class TeamsFixture : IAsyncLifetime
{
    public FakeBotService Bot { get; private set; } = null!;

    public TeamsApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Bot = await FakeBotService.StartAsync();
        App = new TeamsApp(Bot);
        _ = App.Server; // boots the service now, not in the middle of the first test
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Bot.DisposeAsync();
    }

    /// <summary>The Connector calls made for one person's 1:1 chat (the conversation id carries their Teams id).</summary>
    public IReadOnlyList<RecordedCall> CallsFor(TestPerson person) =>
        [.. Bot.ConnectorCalls.Where(c => c.Path.Contains(Uri.EscapeDataString(person.UserId), StringComparison.Ordinal)
            || c.Body?["members"]?[0]?["id"]?.GetValue<string>() == person.UserId)];
}
