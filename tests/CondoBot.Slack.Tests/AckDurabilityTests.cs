using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CondoBot.Slack.Tests.Fakes;
using CondoBot.Testing;

namespace CondoBot.Slack.Tests;

/// <summary>
/// The real service process, killed (<c>SIGKILL</c>) as soon as a burst of concurrent <c>start</c> commands has been
/// acknowledged: every acknowledged start is there after the restart, its submission is carried out (whether or not it
/// was queued before the kill), and Slack's retries of them start nothing more. The login node is a closed port, so no
/// cluster is needed: after the restart each submission fails and, with a one-second give-up, ends the session.
/// </summary>
public sealed class AckDurabilityTests : IAsyncLifetime
{
    private const int Users = 8;
    private const int StartsPerUser = 4;

    private readonly string _data = Directory.CreateTempSubdirectory("condobot-ack-").FullName;
    private readonly int _port = FreePort();
    private FakeSlack _slack = null!;

    public async Task InitializeAsync() => _slack = await FakeSlack.StartAsync();

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task EveryStartAcknowledgedBeforeAKill_IsThereAfterTheRestart_IsCarriedOn_AndItsRetriesStartNothingMore()
    {
        var accepted = new List<(string User, string Body, string Reply)>();
        using (var bot = StartBot())
        using (var http = Client())
        {
            await WaitUntilUpAsync(http, bot);
            for (var u = 0; u < Users; u++) await CommandAsync(http, SignedRequests.CommandBody("key condouser", User(u)));

            var starts = Enumerable.Range(0, Users * StartsPerUser).Select(i =>
            {
                var body = SignedRequests.CommandBody("start -t 0:30:00", User(i % Users));
                return (User(i % Users), body, Reply: CommandAsync(http, body));
            }).ToList();
            foreach (var (user, body, reply) in starts) accepted.Add((user, body, await reply));
            bot.Kill();
        }

        Assert.All(accepted, a => Assert.StartsWith("Submitting JupyterLab", a.Reply, StringComparison.Ordinal));

        using (var bot = StartBot(giveUpAfter: "00:00:01"))
        using (var http = Client())
        {
            await WaitUntilUpAsync(http, bot);
            foreach (var (_, body, reply) in accepted) Assert.Equal(reply, await CommandAsync(http, body, retry: "1"));
            for (var u = 0; u < Users; u++)
            {
                var lines = await StatusLinesAsync(http, User(u));
                Assert.Equal(StartsPerUser, lines.Length);
                for (var wait = 0; wait < 120 && !lines.All(l => l.Contains("ended:", StringComparison.Ordinal)); wait++)
                {
                    await Task.Delay(500);
                    lines = await StatusLinesAsync(http, User(u));
                }

                Assert.All(lines, l => Assert.Contains("ended: ", l, StringComparison.Ordinal));
            }
        }
    }

    private static async Task<string[]> StatusLinesAsync(HttpClient http, string user) =>
        [.. (await CommandAsync(http, SignedRequests.CommandBody("status", user))).Split('\n').Where(line => line.StartsWith('•'))];

    private BotProcess StartBot(string giveUpAfter = "00:30:00") => BotProcess.Start(
        new Dictionary<string, string>
        {
            ["Clusters__local__LoginHost"] = "127.0.0.1",
            ["Clusters__local__LoginPort"] = "1",
            ["Clusters__local__HostKeySha256"] = "SHA256:" + new string('A', 43),
            ["Storage__DataDirectory"] = _data,
            ["Slack__SigningSecret"] = SignedRequests.Secret,
            ["Slack__BotToken"] = FakeSlack.BotToken,
            ["Slack__ApiBaseUrl"] = _slack.ApiBaseUrl.ToString(),
            ["Sessions__GiveUpAfter"] = giveUpAfter,
            ["Logging__LogLevel__Default"] = "Warning",
        },
        "--urls", $"http://127.0.0.1:{_port}");

    private HttpClient Client() => new() { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromSeconds(30) };

    private static string User(int i) => $"UKILL{i:D2}";

    /// <summary>Sends one signed command (as a retry when <paramref name="retry"/> is set); answers the ephemeral text.</summary>
    private static async Task<string> CommandAsync(HttpClient http, string body, string? retry = null)
    {
        using var request = SignedRequests.Post("/slack/commands", body);
        if (retry is not null) request.Headers.Add("X-Slack-Retry-Num", retry);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("text").GetString() ?? "";
    }

    private static async Task WaitUntilUpAsync(HttpClient http, BotProcess bot)
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

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
