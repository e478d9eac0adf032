using System.Net;
using System.Text.Json;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>/healthz and /readyz of the real web host, against the real local cluster's login node.</summary>
public sealed class HealthEndpointTests : IDisposable
{
    // The machine's own cluster: PrivateSshd runs a second copy of its login node's sshd, with its host key.
    private readonly LocalCluster _cluster = LocalCluster.Get("legacy");
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-health-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private Dictionary<string, string> Settings()
    {
        var settings = _cluster.BotSettings(_data, "health");
        settings["LoginNode__CheckInterval"] = "00:00:01";
        return settings;
    }

    /// <summary>/readyz once the background check of the cluster has answered (it runs at start, then at an interval).</summary>
    private static async Task<(HttpStatusCode Status, string Body, JsonElement Checks)> CheckedReadinessAsync(WebBot bot, string cluster = "local")
    {
        for (var i = 0; ; i++)
        {
            var response = await bot.Http.GetAsync(new Uri("/readyz", UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            var checks = JsonDocument.Parse(body).RootElement.GetProperty("checks").Clone();
            var state = JsonDocument.Parse(body).RootElement.GetProperty("loginNodes").GetProperty(cluster).GetProperty("state").GetString();
            if (state != "not checked yet" || i > 300) return (response.StatusCode, body, checks);
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Healthz_AndReadyz_AnswerOk_WhenStorageAnswers_AndTheLoginNodePresentsThePinnedHostKey()
    {
        using var bot = await WebBot.StartAsync(Settings());

        Assert.Equal("ok", await bot.Http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        var (status, body, checks) = await CheckedReadinessAsync(bot);
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal("ok", checks.GetProperty("storage").GetString());
        Assert.Equal("ok", checks.GetProperty("process").GetString());
        Assert.Equal("ok", checks.GetProperty("cluster:local").GetString());
        var metrics = await bot.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches("condobot_login_node_reachable\\{[^}]*cluster=\"local\"[^}]*\\} 1", metrics);
        Assert.Matches("condobot_login_node_host_key_matches\\{[^}]*cluster=\"local\"[^}]*\\} 1", metrics);
    }

    [Fact]
    public async Task Readyz_StaysReady_ButNamesTheMismatch_WhenTheLoginNodePresentsAnotherHostKey()
    {
        var settings = Settings();
        settings["Clusters__local__HostKeySha256"] = "SHA256:" + new string('A', 43);
        using var bot = await WebBot.StartAsync(settings);

        var (status, body, _) = await CheckedReadinessAsync(bot);

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Contains("host key mismatch", body, StringComparison.Ordinal);
        Assert.Contains(_cluster.HostKeySha256.TrimEnd('='), body, StringComparison.Ordinal);
        var metrics = await bot.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches("condobot_login_node_host_key_matches\\{[^}]*cluster=\"local\"[^}]*\\} 0", metrics);
        Assert.Matches("condobot_login_node_reachable\\{[^}]*cluster=\"local\"[^}]*\\} 1", metrics);
    }

    [Fact]
    public async Task Readyz_StaysReady_ButSaysSo_WhenTheLoginNodeDoesNotAnswer()
    {
        var settings = Settings();
        settings["Clusters__local__LoginPort"] = WebBot.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var bot = await WebBot.StartAsync(settings);

        var (status, body, checks) = await CheckedReadinessAsync(bot);

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.StartsWith("unreachable", checks.GetProperty("cluster:local").GetString(), StringComparison.Ordinal);
        var metrics = await bot.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches("condobot_login_node_reachable\\{[^}]*cluster=\"local\"[^}]*\\} 0", metrics);
    }

    [Fact]
    public async Task TheLoginNodeCheck_GoesNoFurtherThanTheKeyExchange_SoTheLoginNodeLogsNoLoginAttempt()
    {
        using var sshd = new PrivateSshd(WebBot.FreePort());
        var settings = Settings();
        settings["Clusters__local__LoginPort"] = sshd.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var bot = await WebBot.StartAsync(settings);

        var (_, body, checks) = await CheckedReadinessAsync(bot);
        Assert.True(checks.GetProperty("cluster:local").GetString() == "ok", body);
        await Task.Delay(TimeSpan.FromSeconds(3));
        bot.Process.Kill();

        var log = File.ReadAllText(sshd.LogFile);
        Assert.Contains("Connection from 127.0.0.1", log, StringComparison.Ordinal);
        Assert.DoesNotContain("user", log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Failed", log, StringComparison.Ordinal);
    }
}
