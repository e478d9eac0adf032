using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CondoBot.Teams.Tests.Fakes;

/// <summary>
/// Microsoft's side of a Teams bot on loopback: Bot Framework and Entra OpenID metadata with their JWKS, the
/// client-credentials token endpoint, and the Bot Connector REST API. Every call is recorded; a test can queue the
/// next answers (a 429, a 403) before letting calls succeed.
/// </summary>
public sealed class FakeBotService : IAsyncDisposable
{
    public const string AppId = "11111111-2222-3333-4444-555555555555";
    public const string AppPassword = "test-app-password";
    public const string TenantId = "99999999-8888-7777-6666-555555555555";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedCall> _calls = new();
    private readonly ConcurrentQueue<ScriptedAnswer> _script = new();
    private int _tokens;
    private int _activities;

    private FakeBotService(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The serviceUrl activities carry: the Connector lives at the fake's root, with a trailing slash as Teams sends it.</summary>
    public string ServiceUrl => BaseUrl + "/";

    public string BotFrameworkMetadataUrl => BaseUrl + "/botframework/.well-known/openidconfiguration";

    public string EntraMetadataUrl => BaseUrl + "/entra/v2.0/.well-known/openid-configuration";

    public string TokenEndpoint => BaseUrl + "/token";

    public string EntraIssuer => $"https://login.microsoftonline.com/{TenantId}/v2.0";

    /// <summary>The keys the Bot Framework metadata publishes (swap to rotate).</summary>
    public List<TestKey> BotFrameworkKeys { get; } = [new TestKey("bf-key-1", "msteams")];

    public List<TestKey> EntraKeys { get; } = [new TestKey("entra-key-1")];

    public int TokensIssued => _tokens;

    /// <summary>The token the fake last issued; the Connector accepts only tokens it issued.</summary>
    public string? LastToken { get; private set; }

    public IReadOnlyList<RecordedCall> Calls => [.. _calls];

    /// <summary>Calls to the Connector only (not metadata, keys or tokens).</summary>
    public IReadOnlyList<RecordedCall> ConnectorCalls => [.. _calls.Where(c => c.Path.StartsWith("/v3/", StringComparison.Ordinal))];

    public static async Task<FakeBotService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeBotService(app);
        fake.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = address.TrimEnd('/');
        return fake;
    }

    /// <summary>The next Connector call gets this answer instead of success.</summary>
    public void Answer(int status, string? errorCode = null, int? retryAfterSeconds = null) =>
        _script.Enqueue(new ScriptedAnswer(status, errorCode, retryAfterSeconds));

    public void ClearCalls() => _calls.Clear();

    /// <summary>Waits until a Connector call matches; answers it.</summary>
    public async Task<RecordedCall> WaitForCallAsync(Func<RecordedCall, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (ConnectorCalls.FirstOrDefault(match) is { } call) return call;
            await Task.Delay(100);
        }

        throw new TimeoutException("No matching Connector call. Calls so far:\n" + string.Join("\n", ConnectorCalls.Select(c => c.ToString())));
    }

    private void Map(WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (HttpMethods.IsGet(http.Request.Method)) Record(http, null);
            await next(http);
        });
        app.MapGet("/botframework/.well-known/openidconfiguration", () => Metadata("https://api.botframework.com", "/botframework/keys"));
        app.MapGet("/botframework/keys", () => Results.Json(new { keys = BotFrameworkKeys.Select(k => k.Jwk()) }));
        app.MapGet("/entra/v2.0/.well-known/openid-configuration", () => Metadata(EntraIssuer, "/entra/keys"));
        app.MapGet("/entra/keys", () => Results.Json(new { keys = EntraKeys.Select(k => k.Jwk()) }));
        app.MapPost("/token", (Delegate)IssueTokenAsync);
        app.MapPost("/v3/conversations", (Delegate)ConnectorAsync);
        app.MapPost("/v3/conversations/{conversation}/activities", (Delegate)ConnectorAsync);
        app.MapPut("/v3/conversations/{conversation}/activities/{activity}", (Delegate)ConnectorAsync);
    }

    private IResult Metadata(string issuer, string keysPath) => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = issuer,
        ["authorization_endpoint"] = BaseUrl + "/authorize",
        ["jwks_uri"] = BaseUrl + keysPath,
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt" },
    });

    private async Task<IResult> IssueTokenAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        Record(http, JsonSerializer.SerializeToNode(form.ToDictionary(f => f.Key, f => f.Value.ToString())));
        if (form["grant_type"] != "client_credentials" || form["client_id"] != AppId || form["client_secret"] != AppPassword
            || form["scope"] != "https://api.botframework.com/.default")
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }

        var n = Interlocked.Increment(ref _tokens);
        LastToken = $"bot-token-{n}-{Guid.NewGuid():N}";
        return Results.Json(new { token_type = "Bearer", expires_in = 3600, access_token = LastToken });
    }

    private async Task<IResult> ConnectorAsync(HttpContext http)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body);
        var call = Record(http, body);
        if (LastToken is null || call.Authorization != "Bearer " + LastToken) return Results.Json(new { error = new { code = "Unauthorized" } }, statusCode: 401);
        if (_script.TryDequeue(out var scripted))
        {
            if (scripted.RetryAfterSeconds is { } after) http.Response.Headers.RetryAfter = after.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Json(new { error = new { code = scripted.ErrorCode ?? "Failure", message = "scripted" } }, statusCode: scripted.Status);
        }

        call.AnsweredId = http.Request.Method == "PUT" ? http.Request.RouteValues["activity"]?.ToString()
            : call.Path == "/v3/conversations" ? "a:personal-" + body?["members"]?[0]?["id"]?.GetValue<string>()
            : "activity-" + Interlocked.Increment(ref _activities);
        return Results.Json(new { id = call.AnsweredId });
    }

    private RecordedCall Record(HttpContext http, JsonNode? body)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.ToUriComponent();
        var call = new RecordedCall(http.Request.Method, raw, http.Request.Headers.Authorization.ToString(), body);
        _calls.Enqueue(call);
        return call;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed record ScriptedAnswer(int Status, string? ErrorCode, int? RetryAfterSeconds);
}

/// <summary>One request the fake received: <see cref="Path"/> is as sent on the wire (still percent-encoded).</summary>
public sealed record RecordedCall(string Method, string Path, string Authorization, JsonNode? Body)
{
    /// <summary>The id the fake Connector answered with, when it succeeded.</summary>
    public string? AnsweredId { get; set; }

    public override string ToString() => $"{Method} {Path} {Body?.ToJsonString()}";
}
