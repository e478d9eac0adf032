using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CondoBot.Slack.Tests.Fakes;

/// <summary>
/// Slack's Web API and Socket Mode on loopback (a small Kestrel app), for the bot to talk to. Every call is recorded
/// and checked as Slack would check it: the right bearer token, a JSON body with its content type, the fields the
/// method needs. A call that fails a check is answered <c>ok:false</c> and listed in <see cref="Violations"/>.
/// Tests can queue 429s, 500s and <c>ok:false</c> answers per method.
/// </summary>
public sealed class FakeSlack : IAsyncDisposable
{
    public const string BotToken = "xoxb-1111-2222-fakebottoken";
    public const string AppToken = "xapp-fake-A111-3333-fakeapptoken";
    public const string JsonContentType = "application/json; charset=utf-8";

    private static readonly Dictionary<string, string[]> RequiredFields = new()
    {
        ["conversations.open"] = ["users"],
        ["chat.postMessage"] = ["channel", "text"],
        ["chat.update"] = ["channel", "ts", "text"],
        ["chat.postEphemeral"] = ["channel", "user", "text"],
        ["apps.connections.open"] = [],
        ["views.open"] = ["trigger_id"],
        ["views.publish"] = ["user_id"],
        ["views.update"] = ["view_id"],
    };

    private readonly WebApplication _app;
    private readonly List<SlackCall> _calls = [];
    private readonly List<string> _violations = [];
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeAnswer>> _scripts = new();
    private readonly Channel<FakeSocket> _sockets = Channel.CreateUnbounded<FakeSocket>();
    private readonly List<FakeSocket> _opened = [];
    private readonly ConcurrentDictionary<(string Channel, string Ts), bool> _posted = new();
    private readonly Lock _gate = new();
    private long _ts = 1_700_000_000_000_100;
    private int _socketCount;
    private DateTimeOffset _outageUntil = DateTimeOffset.MinValue;
    private int _outageCalls;

    private FakeSlack(WebApplication app) => _app = app;

    public Uri ApiBaseUrl => new(Address + "/api/");

    public string Address { get; private set; } = "";

    public IReadOnlyList<SlackCall> Calls
    {
        get
        {
            lock (_gate) return [.. _calls];
        }
    }

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate) return [.. _violations];
        }
    }

    public IReadOnlyList<SlackCall> CallsTo(string method) => Calls.Where(c => c.Method == method).ToList();

    public static async Task<FakeSlack> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSlack(app);
        app.UseWebSockets();
        app.MapPost("/api/{method}", (Func<HttpContext, string, Task<IResult>>)fake.ApiAsync);
        app.Map("/socket/{number:int}", (Func<HttpContext, int, Task>)fake.SocketAsync);
        await app.StartAsync();
        fake.Address = app.Urls.First();
        return fake;
    }

    /// <summary>Queues answers for the next calls to <paramref name="method"/>; later calls succeed again.</summary>
    public void Script(string method, params FakeAnswer[] answers)
    {
        var queue = _scripts.GetOrAdd(method, _ => new ConcurrentQueue<FakeAnswer>());
        foreach (var answer in answers) queue.Enqueue(answer);
    }

    /// <summary>Until <paramref name="until"/>, every Web API call fails: 500s and 429s (Retry-After 3 s) in turn.</summary>
    public void Outage(DateTimeOffset until) => _outageUntil = until;

    public async Task<SlackCall> WaitForCallAsync(string method, Func<SlackCall, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = Calls.FirstOrDefault(c => c.Method == method && match(c));
            if (found is not null) return found;
            await Task.Delay(50);
        }

        throw new TimeoutException($"No {method} call matched within {timeout}. Calls:\n" +
            string.Join('\n', Calls.Select(c => $"{c.Method} {c.Body.ToJsonString()}")));
    }

    /// <summary>The next Socket Mode connection the bot opens.</summary>
    public async Task<FakeSocket> NextSocketAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _sockets.Reader.ReadAsync(cts.Token);
    }

    public bool SocketWaiting => _sockets.Reader.Count > 0;

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            foreach (var socket in _opened) socket.Release();
        }

        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private async Task<IResult> ApiAsync(HttpContext http, string method)
    {
        var text = await new StreamReader(http.Request.Body).ReadToEndAsync();
        var authorization = http.Request.Headers.Authorization.ToString();
        var contentType = http.Request.ContentType;
        JsonObject? body = null;
        try
        {
            body = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
        }

        var call = new SlackCall(method, authorization, contentType, body ?? []);
        var problem = Check(call, body is not null) ?? CheckThread(call);
        lock (_gate)
        {
            _calls.Add(call);
            if (problem is not null) _violations.Add($"{method}: {problem}");
        }

        if (problem is not null) return Results.Json(new { ok = false, error = "fake_violation" });
        if (DateTimeOffset.UtcNow < _outageUntil)
        {
            call.FailedInOutage = true;
            if (Interlocked.Increment(ref _outageCalls) % 2 == 0) return Results.Text("upstream trouble", statusCode: 500);
            http.Response.Headers.RetryAfter = "3";
            return Results.Json(new { ok = false, error = "ratelimited" }, statusCode: 429);
        }

        if (_scripts.TryGetValue(method, out var queue) && queue.TryDequeue(out var scripted))
        {
            switch (scripted)
            {
                case FakeAnswer.RateLimited limited:
                    http.Response.Headers.RetryAfter = limited.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                    return Results.Json(new { ok = false, error = "ratelimited" }, statusCode: 429);
                case FakeAnswer.ServerError server:
                    return Results.Text("upstream trouble", statusCode: server.Status);
                case FakeAnswer.Error error:
                    return Results.Json(new { ok = false, error = error.Code });
            }
        }

        var success = Success(call);
        call.Answer = success;
        if (method == "chat.postMessage") _posted[(call.Field("channel")!, success["ts"]!.GetValue<string>())] = true;
        return Results.Text(success.ToJsonString(), "application/json; charset=utf-8");
    }

    private static string? Check(SlackCall call, bool parsed)
    {
        if (!RequiredFields.TryGetValue(call.Method, out var required)) return "unknown method";
        var token = call.Method == "apps.connections.open" ? AppToken : BotToken;
        if (call.Authorization != "Bearer " + token) return "wrong or missing bearer token";
        if (call.ContentType != JsonContentType) return $"content type '{call.ContentType}'";
        if (!parsed) return "body is not a JSON object";
        var missing = required.Where(f => call.Body[f] is not JsonValue v || v.GetValueKind() != JsonValueKind.String || v.GetValue<string>().Length == 0).ToList();
        if (missing.Count > 0) return "missing " + string.Join(", ", missing);
        if (call.Body["blocks"] is { } blocks && blocks is not JsonArray) return "blocks is not an array";
        var limits = call.Method.StartsWith("views.", StringComparison.Ordinal)
            ? BlockKitLimits.OfView(call.Body["view"]).ToList()
            : BlockKitLimits.OfBlocks(call.Body["blocks"], 50).ToList();
        if (limits.Count > 0) return "Block Kit limits: " + string.Join("; ", limits);
        return null;
    }

    /// <summary>A reply names a message this fake posted in that channel, and <c>reply_broadcast</c> is a boolean.</summary>
    private string? CheckThread(SlackCall call)
    {
        if (call.Method != "chat.postMessage") return null;
        if (call.Body["reply_broadcast"] is { } broadcast && broadcast.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return "reply_broadcast is not a boolean";
        }

        if (call.Body["thread_ts"] is null) return call.Body["reply_broadcast"] is null ? null : "reply_broadcast without thread_ts";
        var thread = call.Field("thread_ts")!;
        return _posted.ContainsKey((call.Field("channel")!, thread)) ? null : $"thread_ts {thread} is not a message in {call.Field("channel")}";
    }

    private JsonObject Success(SlackCall call)
    {
        var ts = () => (Interlocked.Increment(ref _ts) / 1_000_000.0).ToString("F6", CultureInfo.InvariantCulture);
        return call.Method switch
        {
            "conversations.open" => new JsonObject { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = "D" + call.Field("users") } },
            "chat.postMessage" => new JsonObject { ["ok"] = true, ["channel"] = call.Field("channel"), ["ts"] = ts() },
            "chat.update" => new JsonObject { ["ok"] = true, ["channel"] = call.Field("channel"), ["ts"] = call.Field("ts") },
            "chat.postEphemeral" => new JsonObject { ["ok"] = true, ["message_ts"] = ts() },
            "views.open" or "views.publish" or "views.update" => new JsonObject { ["ok"] = true, ["view"] = View(call) },
            _ => new JsonObject
            {
                ["ok"] = true,
                ["url"] = Address.Replace("http://", "ws://", StringComparison.Ordinal) + "/socket/" + Interlocked.Increment(ref _socketCount),
            },
        };
    }

    /// <summary>The view as Slack answers it: what was sent, with its id (kept on update) and a fresh hash.</summary>
    private static JsonObject View(SlackCall call)
    {
        var view = call.Body["view"]!.DeepClone().AsObject();
        view["id"] = call.Field("view_id") ?? "V" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        view["hash"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + ".h";
        return view;
    }

    private async Task SocketAsync(HttpContext http, int number)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = 400;
            return;
        }

        var socket = new FakeSocket(await http.WebSockets.AcceptWebSocketAsync(), number);
        lock (_gate) _opened.Add(socket);
        await _sockets.Writer.WriteAsync(socket);
        await socket.Finished;
    }
}
