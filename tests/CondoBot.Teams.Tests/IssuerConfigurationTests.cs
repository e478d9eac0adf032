using System.Net;
using CondoBot.Teams.Tests.Fakes;

namespace CondoBot.Teams.Tests;

/// <summary><c>Teams__Issuers</c> narrows whose tokens are accepted.</summary>
[Collection(nameof(InMemoryServiceCollection))]
public sealed class IssuerConfigurationTests : IAsyncLifetime
{
    private FakeBotService _bot = null!;
    private TeamsApp _app = null!;

    public async Task InitializeAsync()
    {
        _bot = await FakeBotService.StartAsync();
        _app = new TeamsApp(_bot, new Dictionary<string, string>());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _bot.DisposeAsync();
    }

    [Fact]
    public async Task WithOnlyTheBotFrameworkIssuer_TheDefault_AValidEntraToken_IsRefused()
    {
        var activity = TestActivities.Personal(_bot.ServiceUrl, TestPerson.New(), "status");

        var entra = await _app.PostActivityAsync(activity, _bot.EntraKeys[0].Sign(TeamsApp.ValidSpec(activity) with { Issuer = _bot.EntraIssuer }));
        var botFramework = await _app.PostActivityAsync(activity, _app.SignedFor(activity));

        Assert.Equal(HttpStatusCode.Unauthorized, entra.StatusCode);
        Assert.Equal(HttpStatusCode.OK, botFramework.StatusCode);
    }
}
