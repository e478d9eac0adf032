using System.Net;
using CondoBot.Slack.Tests.Fakes;
using CondoBot.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CondoBot.Slack.Tests;

/// <summary>
/// Slack is on when any <c>Slack__</c> setting is present; then a missing or malformed secret stops the real service at
/// start-up with a message naming the setting. With no Slack setting the service runs without Slack.
/// </summary>
public sealed class SlackStartupTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-slack-config-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    /// <summary>The setting that is wrong (null: left out), with every other Slack setting valid.</summary>
    public static TheoryData<string, string?> BadSettings => new()
    {
        { "Slack__SigningSecret", null },
        { "Slack__SigningSecret", "" },
        { "Slack__SigningSecret", "   " },
        { "Slack__BotToken", null },
        { "Slack__BotToken", FakeSlack.AppToken },
        { "Slack__AppToken", FakeSlack.BotToken },
        { "Slack__ApiBaseUrl", "slack.com/api" },
        { "Slack__ApiBaseUrl", "http://slack.example.org/api/" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void AMissingOrMalformedSlackSetting_StopsTheService_WithAMessageNamingIt(string named, string? value)
    {
        var settings = new Dictionary<string, string>
        {
            ["Clusters__local__HostKeySha256"] = "SHA256:" + new string('A', 43),
            ["Clusters__local__LoginHost"] = "127.0.0.1",
            ["Storage__DataDirectory"] = _data,
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["Slack__SigningSecret"] = SignedRequests.Secret,
            ["Slack__BotToken"] = FakeSlack.BotToken,
        };
        if (value is null) settings.Remove(named);
        else settings[named] = value;
        using var bot = BotProcess.Start(settings);

        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(60)), "the service should refuse to start");
        Assert.Equal(2, bot.ExitCode);
        Assert.Contains(named, bot.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("fakebottoken", bot.Stderr + bot.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(SignedRequests.Secret, bot.Stderr + bot.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithNoSlackSetting_TheWebServiceRunsWithoutSlackEndpoints()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("Clusters:local:HostKeySha256", "SHA256:" + new string('A', 43))
            .UseSetting("Clusters:local:LoginHost", "127.0.0.1")
            .UseSetting("Storage:DataDirectory", _data));
        using var client = factory.CreateClient();

        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var slack = await client.SendAsync(SignedRequests.Post("/slack/commands", SignedRequests.CommandBody("status", "U0NOBODY")));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, slack.StatusCode);
    }
}
