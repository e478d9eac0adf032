using System.Net;
using CondoBot.Teams.Tests.Fakes;

namespace CondoBot.Teams.Tests;

/// <summary>The development mode: requests with no Authorization header are taken, and answered without the bot's token.</summary>
[Collection(nameof(InMemoryServiceCollection))]
public sealed class AnonymousModeTests : IAsyncLifetime
{
    private FakeBotService _bot = null!;
    private TeamsApp _app = null!;

    public async Task InitializeAsync()
    {
        _bot = await FakeBotService.StartAsync();
        _app = new TeamsApp(_bot, new Dictionary<string, string> { ["Teams:AllowAnonymousRequests"] = "true" });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _bot.DisposeAsync();
    }

    [Fact]
    public async Task AnUnauthenticatedRequest_IsHandled_AndTheBotsTokenIsNotSentToItsServiceUrl()
    {
        var person = TestPerson.New();
        var activity = TestActivities.Personal(_bot.ServiceUrl, person, "status");

        var response = await _app.PostActivityAsync(activity, bearer: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(_bot.ConnectorCalls);
        Assert.Equal("", reply.Authorization);
        Assert.Equal(0, _bot.TokensIssued);
    }

    [Fact]
    public async Task AnUnauthenticatedRequest_FromAnotherMachine_IsRefused_AndChangesNothing()
    {
        await using var remote = new TeamsApp(_bot, new Dictionary<string, string> { ["Teams:AllowAnonymousRequests"] = "true" })
        {
            RemoteAddress = System.Net.IPAddress.Parse("192.0.2.10"),
        };
        var activity = TestActivities.Personal(_bot.ServiceUrl, TestPerson.New(), "status");

        var response = await remote.PostActivityAsync(activity, bearer: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_bot.ConnectorCalls);
    }

    [Fact]
    public async Task ABadToken_IsStillRefused()
    {
        var person = TestPerson.New();
        var activity = TestActivities.Personal(_bot.ServiceUrl, person, "status");

        var response = await _app.PostActivityAsync(activity, new TestKey("forger").Sign(TeamsApp.ValidSpec(activity)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_bot.ConnectorCalls);
    }
}
