using System.Net;
using System.Text.Json.Nodes;
using CondoBot.Core.Notices;
using CondoBot.Teams.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace CondoBot.Teams.Tests;

/// <summary>
/// Every request to <c>/api/messages</c> through the real service, with tokens signed by keys served from local OpenID
/// metadata: only a token the Bot Connector could have issued for this activity gets anything done.
/// </summary>
[Collection(nameof(InMemoryServiceCollection))]
public sealed class IncomingTokenTests(TeamsFixture fixture) : IClassFixture<TeamsFixture>
{
    private FakeBotService Bot => fixture.Bot;

    private TeamsApp App => fixture.App;

    [Fact]
    public async Task AValidlySignedActivity_IsAnsweredInItsConversation_WithTheBotsOwnToken()
    {
        var person = TestPerson.New();
        var activity = TestActivities.Personal(Bot.ServiceUrl, person, "status");

        var response = await App.PostActivityAsync(activity, App.SignedFor(activity));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(fixture.CallsFor(person));
        Assert.Equal("POST", reply.Method);
        Assert.Equal($"/v3/conversations/a%3Apersonal-{Uri.EscapeDataString(person.UserId)}/activities", reply.Path);
        Assert.Equal("Bearer " + Bot.LastToken, reply.Authorization);
        Assert.True(JsonNode.DeepEquals(new JsonObject
        {
            ["type"] = "message",
            ["text"] = "You have no sessions. `start` begins one.",
            ["textFormat"] = "markdown",
            ["replyToId"] = activity["id"]!.GetValue<string>(),
        }, reply.Body), reply.Body?.ToJsonString());
    }

    public static TheoryData<string> Forgeries() =>
    [
        "unsigned",
        "signed with another key under the same key id",
        "signed by an unknown key",
        "issued by someone else",
        "for another bot",
        "expired six minutes ago",
        "for another serviceUrl",
        "without a serviceurl claim",
        "signed with a key not endorsed for the channel",
        "not a JWT",
        "an Entra issuer signed with a Bot Framework key",
    ];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task AForgedToken_Gets401_AndChangesNothing(string forgery)
    {
        var person = TestPerson.New();
        var activity = TestActivities.Personal(Bot.ServiceUrl, person, "key condouser3");
        var valid = TeamsApp.ValidSpec(activity);
        var token = forgery switch
        {
            "unsigned" => TestKey.Unsigned(valid),
            "signed with another key under the same key id" => new TestKey(Bot.BotFrameworkKeys[0].Kid).Sign(valid),
            "signed by an unknown key" => new TestKey("someone-elses-key").Sign(valid),
            "issued by someone else" => Bot.BotFrameworkKeys[0].Sign(valid with { Issuer = "https://evil.example.com" }),
            "for another bot" => Bot.BotFrameworkKeys[0].Sign(valid with { Audience = Guid.NewGuid().ToString() }),
            "expired six minutes ago" => Bot.BotFrameworkKeys[0].Sign(valid with { Expires = DateTimeOffset.UtcNow.AddMinutes(-6) }),
            "for another serviceUrl" => Bot.BotFrameworkKeys[0].Sign(valid with { ServiceUrl = "https://smba.example.net/amer/" }),
            "without a serviceurl claim" => Bot.BotFrameworkKeys[0].Sign(valid with { ServiceUrl = null }),
            "signed with a key not endorsed for the channel" => SignedWithKeyEndorsedOnlyFor("webchat", valid),
            "not a JWT" => "bm90IGEgdG9rZW4=",
            "an Entra issuer signed with a Bot Framework key" => Bot.BotFrameworkKeys[0].Sign(valid with { Issuer = Bot.EntraIssuer }),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };

        var response = await App.PostActivityAsync(activity, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingChangedAsync(person);
    }

    [Fact]
    public async Task ARequestWithoutAnAuthorizationHeader_Gets401_AndChangesNothing()
    {
        var person = TestPerson.New();
        var activity = TestActivities.Personal(Bot.ServiceUrl, person, "key condouser3");

        var response = await App.PostActivityAsync(activity, bearer: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingChangedAsync(person);
    }

    [Fact]
    public async Task ATokenExpiredLessThanFiveMinutesAgo_IsStillAccepted_ForClockSkew()
    {
        var person = TestPerson.New();
        var activity = TestActivities.Personal(Bot.ServiceUrl, person, "status");
        var token = Bot.BotFrameworkKeys[0].Sign(TeamsApp.ValidSpec(activity) with { Expires = DateTimeOffset.UtcNow.AddMinutes(-3) });

        var response = await App.PostActivityAsync(activity, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(fixture.CallsFor(person));
    }

    [Fact]
    public async Task ATokenFromTheBotsEntraTenant_IsAccepted_AgainstTheTenantsOwnKeys_WhenTeamsIssuersNamesEntra()
    {
        await using var app = new TeamsApp(Bot, new Dictionary<string, string> { ["Teams:Issuers"] = "BotFramework, Entra" });
        var person = TestPerson.New();
        var activity = TestActivities.Personal(Bot.ServiceUrl, person, "status");
        var token = Bot.EntraKeys[0].Sign(TeamsApp.ValidSpec(activity) with { Issuer = Bot.EntraIssuer });

        var response = await app.PostActivityAsync(activity, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(fixture.CallsFor(person));
    }

    [Theory]
    [InlineData("webchat", FakeBotService.TenantId)]
    [InlineData("directline", FakeBotService.TenantId)]
    [InlineData("msteams", "12345678-0000-0000-0000-000000000000")]
    public async Task ASignedActivityFromAnotherChannelOrTenant_Gets401_AndChangesNothing(string channel, string tenant)
    {
        var person = TestPerson.New();
        var activity = TestActivities.Personal(Bot.ServiceUrl, person, "status");
        activity["channelId"] = channel;
        activity["conversation"]!["tenantId"] = tenant;
        activity["channelData"] = new System.Text.Json.Nodes.JsonObject { ["tenant"] = new System.Text.Json.Nodes.JsonObject { ["id"] = tenant } };

        var response = await App.PostActivityAsync(activity, App.SignedFor(activity));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(fixture.CallsFor(person));
    }

    private string SignedWithKeyEndorsedOnlyFor(string channel, TokenSpec spec)
    {
        var key = new TestKey("webchat-only-" + Guid.NewGuid().ToString("N")[..6], channel);
        Bot.BotFrameworkKeys.Add(key);
        return key.Sign(spec);
    }

    private async Task AssertNothingChangedAsync(TestPerson person)
    {
        Assert.Empty(fixture.CallsFor(person));
        var state = App.Services.GetRequiredService<IChatStateStore>();
        Assert.Null(await state.GetAsync("teams:user:" + person.AadObjectId, CancellationToken.None));
        var keys = App.Services.GetRequiredService<CondoBot.Core.Identity.IKeyVault>();
        Assert.Null(await keys.FindAsync(new CondoBot.Core.ChatUserId("teams", person.AadObjectId), CancellationToken.None));
    }
}
