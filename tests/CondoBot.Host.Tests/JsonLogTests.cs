using System.Net;
using System.Text.Json;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>
/// <c>Logging__Format=json</c> on the real service process: every log line is one JSON object, a session's lines carry
/// its SessionId scope and a request's lines its request scope. No cluster is needed: the login node is a closed port.
/// </summary>
public sealed class JsonLogTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-jsonlog-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private Dictionary<string, string> Settings() => new()
    {
        ["Clusters__local__HostKeySha256"] = "SHA256:" + new string('A', 43),
        ["Clusters__local__LoginHost"] = "127.0.0.1",
        ["Clusters__local__LoginPort"] = WebBot.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Clusters__local__CommandTimeout"] = "00:00:02",
        ["Storage__DataDirectory"] = _data,
        ["Terminal__User"] = "jsonlog",
        ["Terminal__DrainTimeout"] = "00:00:01",
        ["Logging__Format"] = "json",
    };

    [Fact]
    public async Task JsonLogging_WritesEveryConsoleLogLineAsJson_AndASessionsLinesCarryItsSessionId()
    {
        using var bot = BotProcess.Start(Settings(), "console");
        bot.Type("key condouser");
        bot.Type("start -A cnms -t 0:05:00 -v");
        var started = await bot.WaitForAsync(@"Session (?<id>[0-9a-f]{32})", TimeSpan.FromSeconds(60));
        var session = started.Groups["id"].Value;

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!bot.Stderr.Contains("Session step failed", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "no session step failure was logged:\n" + bot.Stderr);
            await Task.Delay(200);
        }

        bot.CloseInput();
        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(60)));

        var lines = LogLines(bot.Stderr);
        var failed = lines.First(l => l.GetProperty("Message").GetString()!.StartsWith("Session step failed", StringComparison.Ordinal));
        Assert.Contains(Scopes(failed), s => s.TryGetProperty("SessionId", out var id) && id.GetString() == session);
        var command = lines.First(l => l.GetProperty("Message").GetString() == "Command StartCommand");
        Assert.Contains(Scopes(command), s => s.TryGetProperty("ChatUser", out var user) && user.GetString() == "console:jsonlog");
    }

    [Fact]
    public async Task JsonLogging_OnTheWebHost_PutsTheRequestScopeOnARequestsLines()
    {
        var settings = Settings();
        settings["Admin__Password"] = "json-log-admin-s3cret";
        using var bot = await WebBot.StartAsync(settings);

        Assert.Equal(HttpStatusCode.Unauthorized, (await bot.Http.GetAsync(new Uri("/admin/audit", UriKind.Relative))).StatusCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!bot.Process.Stdout.Contains("Refused an unauthenticated request", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the refusal was not logged:\n" + bot.Process.Stdout);
            await Task.Delay(100);
        }

        var refused = LogLines(bot.Process.Stdout).First(l => l.GetProperty("Message").GetString()!.StartsWith("Refused an unauthenticated", StringComparison.Ordinal));
        Assert.Contains(Scopes(refused), s => s.TryGetProperty("RequestId", out _) && s.GetProperty("RequestPath").GetString() == "/admin/audit");
        Assert.DoesNotContain("json-log-admin-s3cret", bot.Process.Stdout + bot.Process.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownLogFormat_StopsTheService_WithAMessageNamingTheSetting()
    {
        var settings = Settings();
        settings["Logging__Format"] = "xml";
        using var bot = BotProcess.Start(settings, "console");
        bot.CloseInput();

        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(2, bot.ExitCode);
        Assert.Contains("Logging__Format must be simple or json, not 'xml'", bot.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Every non-empty line, each parsed as one JSON object (a line that is not fails the test).</summary>
    private static List<JsonElement> LogLines(string output) => output
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(line =>
        {
            try
            {
                using var json = JsonDocument.Parse(line);
                Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
                return json.RootElement.Clone();
            }
            catch (JsonException)
            {
                Assert.Fail("not a JSON log line: " + line);
                throw;
            }
        })
        .ToList();

    private static IEnumerable<JsonElement> Scopes(JsonElement line) =>
        line.TryGetProperty("Scopes", out var scopes) ? scopes.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object) : [];
}
