using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace CondoBot.Bench;

/// <summary>
/// Slack's Web API on loopback, answering what the bot calls with <c>ok:true</c>, and recording each call with the
/// wall-clock time it arrived: that time is "the moment the direct message was posted".
/// </summary>
internal sealed class FakeSlackApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _ts = 1_700_000_000_000_100;

    private FakeSlackApi(WebApplication app) => _app = app;

    public ConcurrentQueue<(DateTimeOffset At, string Method, string Body)> Calls { get; } = new();

    public string ApiBaseUrl => _app.Urls.First() + "/api/";

    public static async Task<FakeSlackApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var fake = new FakeSlackApi(builder.Build());
        fake._app.MapPost("/api/{method}", fake.AnswerAsync);
        await fake._app.StartAsync();
        return fake;
    }

    private async Task<IResult> AnswerAsync(HttpContext http, string method)
    {
        var at = DateTimeOffset.UtcNow;
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
        Calls.Enqueue((at, method, body));
        var fields = JsonNode.Parse(body) as JsonObject ?? [];
        var ts = (Interlocked.Increment(ref _ts) / 1_000_000.0).ToString("F6", CultureInfo.InvariantCulture);
        JsonObject answer = method switch
        {
            "conversations.open" => new() { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = "D" + fields["users"] } },
            "chat.postMessage" => new() { ["ok"] = true, ["channel"] = fields["channel"]?.ToString(), ["ts"] = ts },
            "chat.update" => new() { ["ok"] = true, ["channel"] = fields["channel"]?.ToString(), ["ts"] = fields["ts"]?.ToString() },
            _ => new() { ["ok"] = true, ["message_ts"] = ts },
        };
        return Results.Text(answer.ToJsonString(), "application/json; charset=utf-8");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
