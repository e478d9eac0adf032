using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CondoBot.Testing;

namespace CondoBot.Teams.Tests;

/// <summary>How Teams settings are checked when the real service starts, as an operator would see it.</summary>
public sealed class TeamsStartupTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-teams-config-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["Clusters__local__HostKeySha256"] = "SHA256:" + new string('A', 43),
            ["Clusters__local__LoginHost"] = "127.0.0.1",
            ["Storage__DataDirectory"] = _data,
        };
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    [Theory]
    [InlineData("Teams__AppId", "11111111-2222-3333-4444-555555555555", "Teams__AppPassword is required,Teams__TenantId is required")]
    [InlineData("Teams__AppPassword", "pw-Xq7-not-for-logs", "Teams__AppId is required,Teams__TenantId is required")]
    [InlineData("Teams__TenantId", "99999999-8888-7777-6666-555555555555", "Teams__AppId is required,Teams__AppPassword is required")]
    public void HalfATeamsConfiguration_StopsTheService_NamingEverySettingMissing(string key, string value, string expected)
    {
        using var bot = BotProcess.Start(Settings((key, value)), "--urls", "http://127.0.0.1:0");

        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(60)), "the service must stop by itself");
        Assert.NotEqual(0, bot.ExitCode);
        foreach (var part in expected.Split(',')) Assert.Contains(part, bot.Stderr, StringComparison.Ordinal);
        if (key == "Teams__AppPassword") Assert.DoesNotContain(value, bot.Stderr + bot.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Teams__TokenEndpoint", "http://login.example.com/token")]
    [InlineData("Teams__OpenIdMetadataUrl", "not a url")]
    [InlineData("Teams__AppId", "my-bot")]
    public void AMalformedTeamsSetting_StopsTheService_NamingIt(string key, string value)
    {
        using var bot = BotProcess.Start(Settings(
            ("Teams__AppId", "11111111-2222-3333-4444-555555555555"), ("Teams__AppPassword", "pw-Xq7-not-for-logs"),
            ("Teams__TenantId", "99999999-8888-7777-6666-555555555555"), (key, value)), "--urls", "http://127.0.0.1:0");

        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.NotEqual(0, bot.ExitCode);
        Assert.Contains(key, bot.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void AnonymousRequests_OutsideTheDevelopmentEnvironment_StopTheService_NamingTheSetting()
    {
        using var bot = BotProcess.Start(Settings(
            ("Teams__AppId", "11111111-2222-3333-4444-555555555555"), ("Teams__AppPassword", "pw-Xq7-not-for-logs"),
            ("Teams__TenantId", "99999999-8888-7777-6666-555555555555"), ("Teams__AllowAnonymousRequests", "true")),
            "--urls", "http://127.0.0.1:0");

        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.NotEqual(0, bot.ExitCode);
        Assert.Contains("Teams__AllowAnonymousRequests is accepted only in the Development environment", bot.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnonymousRequests_AreAllowedOnlyWhenSaidSo_InDevelopment_AndTheServiceWarnsAtStart()
    {
        var port = FreePort();
        using var bot = BotProcess.Start(Settings(
            ("Teams__AppId", "11111111-2222-3333-4444-555555555555"), ("Teams__AppPassword", "pw-Xq7-not-for-logs"),
            ("Teams__TenantId", "99999999-8888-7777-6666-555555555555"), ("Teams__AllowAnonymousRequests", "true"),
            ("DOTNET_ENVIRONMENT", "Development")),
            "--urls", $"http://127.0.0.1:{port}");

        await bot.WaitForAsync("Teams__AllowAnonymousRequests is on: requests to /api/messages without an Authorization header are accepted", TimeSpan.FromSeconds(60));
        Assert.DoesNotContain("pw-Xq7-not-for-logs", bot.Stdout + bot.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTeamsSettings_TheServiceRuns_WithNoTeamsEndpoint()
    {
        var port = FreePort();
        using var bot = BotProcess.Start(Settings(), "--urls", $"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        await WaitUntilUpAsync(http, bot);
        var messages = await http.PostAsync(new Uri("/api/messages", UriKind.Relative), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.NotFound, messages.StatusCode);
        Assert.DoesNotContain("Teams front door on", bot.Stdout, StringComparison.Ordinal);
    }

    internal static async Task WaitUntilUpAsync(HttpClient http, BotProcess bot)
    {
        for (var i = 0; i < 300; i++)
        {
            if (bot.HasExited) throw new InvalidOperationException("the service exited:\n" + bot.Stderr + bot.Stdout);
            try
            {
                if ((await http.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the service did not answer /healthz:\n" + bot.Stderr + bot.Stdout);
    }

    internal static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
