using System.Net;
using System.Text.Json;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>/healthz and /readyz of the real web host, against the real local cluster's login node.</summary>
public sealed class HealthEndpointTests : IDisposable
{
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-health-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private Dictionary<string, string> Settings() => _cluster.BotSettings(_data, "health");

    [Fact]
    public async Task Healthz_AndReadyz_AnswerOk_WhenStorageAnswers_AndTheLoginNodePresentsThePinnedHostKey()
    {
        using var bot = await WebBot.StartAsync(Settings());

        Assert.Equal("ok", await bot.Http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        var ready = await bot.Http.GetAsync(new Uri("/readyz", UriKind.Relative));
        var body = await ready.Content.ReadAsStringAsync();
        Assert.True(ready.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("ok", json.RootElement.GetProperty("checks").GetProperty("storage").GetString());
        Assert.Equal("ok", json.RootElement.GetProperty("checks").GetProperty("cluster:local").GetString());
    }

    [Fact]
    public async Task Readyz_Answers503_NamingTheCluster_WhenTheLoginNodePresentsAnotherHostKey()
    {
        var settings = Settings();
        settings["Clusters__local__HostKeySha256"] = "SHA256:" + new string('A', 43);
        using var bot = await WebBot.StartAsync(settings);

        var ready = await bot.Http.GetAsync(new Uri("/readyz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync();
        Assert.Contains("host key mismatch", body, StringComparison.Ordinal);
        Assert.Contains(_cluster.HostKeySha256.TrimEnd('='), body, StringComparison.Ordinal);
        Assert.Equal("ok", await bot.Http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
    }

    [Fact]
    public async Task Readyz_Answers503_WhenTheLoginNodeDoesNotAnswer()
    {
        var settings = Settings();
        settings["Clusters__local__LoginPort"] = WebBot.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var bot = await WebBot.StartAsync(settings);

        var ready = await bot.Http.GetAsync(new Uri("/readyz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("unreachable", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
