using System.Net;
using CondoBot.Teams.Auth;
using CondoBot.Teams.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace CondoBot.Teams.Tests;

/// <summary>The issuers' signing keys: cached, refreshed on schedule and on rotation, never fetched on every forged token.</summary>
[Collection(nameof(InMemoryServiceCollection))]
public sealed class SigningKeyCacheTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FakeBotService _bot = null!;

    public async Task InitializeAsync() => _bot = await FakeBotService.StartAsync();

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    private int MetadataFetches => _bot.Calls.Count(c => c.Path.EndsWith("openidconfiguration", StringComparison.Ordinal));

    private OpenIdKeySource Source() =>
        new(_bot.BotFrameworkMetadataUrl, [TeamsOptions.BotFrameworkIssuer], new HttpClient(), _time);

    [Fact]
    public async Task Keys_AreFetchedOnce_AndReusedUntilTwelveHoursHavePassed()
    {
        var source = Source();

        var first = await source.GetAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(11));
        var again = await source.GetAsync(CancellationToken.None);
        Assert.Same(first, again);
        Assert.Equal(1, MetadataFetches);

        _time.Advance(TimeSpan.FromHours(1));
        await source.GetAsync(CancellationToken.None);
        Assert.Equal(2, MetadataFetches);
    }

    [Fact]
    public async Task AnUnknownKey_FetchesTheKeysAgain_ButAtMostOnceInFiveMinutes()
    {
        var source = Source();
        await source.GetAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(6));
        var rotated = new TestKey("rotated", "msteams");
        _bot.BotFrameworkKeys.Add(rotated);

        var refreshed = await source.RefreshAsync(CancellationToken.None);
        Assert.Contains(refreshed.SigningKeys, k => k.KeyId == "rotated");
        await source.RefreshAsync(CancellationToken.None);
        await source.RefreshAsync(CancellationToken.None);

        Assert.Equal(2, MetadataFetches);
    }

    [Fact]
    public async Task IfTheIssuerIsDown_TheKeysAlreadyFetched_KeepWorking()
    {
        var source = Source();
        var first = await source.GetAsync(CancellationToken.None);
        await _bot.DisposeAsync();
        _time.Advance(TimeSpan.FromHours(13));

        var stale = await source.GetAsync(CancellationToken.None);

        Assert.Same(first, stale);
        _bot = await FakeBotService.StartAsync();
    }

    [Fact]
    public async Task AfterAKeyRotation_TheFirstTokenSignedWithTheNewKey_IsAccepted()
    {
        await using var app = new TeamsApp(_bot, time: _time);
        var person = TestPerson.New();
        var warmUp = TestActivities.Personal(_bot.ServiceUrl, person, "status");
        Assert.Equal(HttpStatusCode.OK, (await app.PostActivityAsync(warmUp, app.SignedFor(warmUp))).StatusCode);

        _time.Advance(TimeSpan.FromMinutes(6));
        var rotated = new TestKey("bf-key-2", "msteams");
        _bot.BotFrameworkKeys.Add(rotated);
        var activity = TestActivities.Personal(_bot.ServiceUrl, person, "status");

        var response = await app.PostActivityAsync(activity, rotated.Sign(TeamsApp.ValidSpec(activity)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _bot.ConnectorCalls.Count);
    }
}
