using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CondoBot.Core.Diagnostics;
using CondoBot.Slack.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CondoBot.Slack.WebApi;

/// <summary>
/// The Slack Web API methods the bot calls. Every answer's <c>ok</c> is checked. A few quick retries happen here (a
/// short <c>Retry-After</c>, a 5xx or a dropped connection); anything longer is handed back, because the durable
/// notice outbox retries in order and must not be held up by one slow call. Tokens are never logged. Every attempt
/// is counted by method, and every failed one by method and error, in <see cref="CondoBotMetrics"/>.
/// </summary>
public sealed partial class SlackApi(
    IHttpClientFactory clients, IOptions<SlackOptions> options, TimeProvider time, CondoBotMetrics metrics, ILogger<SlackApi> logger)
{
    private const string Platform = "slack";

    /// <summary>The named HttpClient (base address <c>Slack__ApiBaseUrl</c>), created per call so handlers rotate.</summary>
    public const string ClientName = "slack";

    internal const int MaxAttempts = 3;

    /// <summary>A rate limit longer than this is returned to the caller instead of waited out.</summary>
    internal static readonly TimeSpan LongestQuickWait = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    public Task<SlackResponse> OpenDirectMessageAsync(string user, CancellationToken cancellationToken) =>
        CallAsync("conversations.open", new JsonObject { ["users"] = user }, BotToken, cancellationToken);

    public Task<SlackResponse> PostMessageAsync(string channel, SlackMessage message, CancellationToken cancellationToken) =>
        CallAsync("chat.postMessage", message.Into(new JsonObject { ["channel"] = channel }), BotToken, cancellationToken);

    /// <summary>
    /// A reply in the thread of message <paramref name="threadTs"/>, also shown in the conversation itself
    /// (<c>reply_broadcast</c>), so that it notifies like any new message.
    /// </summary>
    public Task<SlackResponse> PostThreadReplyAsync(string channel, string threadTs, SlackMessage message, CancellationToken cancellationToken) =>
        CallAsync("chat.postMessage", message.Into(new JsonObject { ["channel"] = channel, ["thread_ts"] = threadTs, ["reply_broadcast"] = true }), BotToken, cancellationToken);

    public Task<SlackResponse> UpdateAsync(string channel, string ts, SlackMessage message, CancellationToken cancellationToken) =>
        CallAsync("chat.update", message.Into(new JsonObject { ["channel"] = channel, ["ts"] = ts }), BotToken, cancellationToken);

    public Task<SlackResponse> PostEphemeralAsync(string channel, string user, SlackMessage message, CancellationToken cancellationToken) =>
        CallAsync("chat.postEphemeral", message.Into(new JsonObject { ["channel"] = channel, ["user"] = user }), BotToken, cancellationToken);

    /// <summary>Opens a modal for the person whose click or command carried <paramref name="triggerId"/> (valid for 3 s).</summary>
    public Task<SlackResponse> OpenViewAsync(string triggerId, JsonObject view, CancellationToken cancellationToken) =>
        CallAsync("views.open", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view }, BotToken, cancellationToken);

    /// <summary>Redraws an open modal; <paramref name="hash"/> makes Slack refuse it if the view changed meanwhile.</summary>
    public Task<SlackResponse> UpdateViewAsync(string viewId, string? hash, JsonObject view, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["view_id"] = viewId, ["view"] = view };
        if (hash is not null) body["hash"] = hash;
        return CallAsync("views.update", body, BotToken, cancellationToken);
    }

    /// <summary>Shows <paramref name="view"/> as the person's App Home tab.</summary>
    public Task<SlackResponse> PublishViewAsync(string userId, JsonObject view, CancellationToken cancellationToken) =>
        CallAsync("views.publish", new JsonObject { ["user_id"] = userId, ["view"] = view }, BotToken, cancellationToken);

    /// <summary>A fresh Socket Mode WebSocket address (<c>url</c>), with the app-level token.</summary>
    public Task<SlackResponse> OpenConnectionAsync(CancellationToken cancellationToken) =>
        CallAsync("apps.connections.open", [], options.Value.AppToken, cancellationToken);

    private string BotToken => options.Value.BotToken;

    private async Task<SlackResponse> CallAsync(string method, JsonObject body, string token, CancellationToken cancellationToken)
    {
        var json = body.ToJsonString();
        for (var attempt = 1; ; attempt++)
        {
            metrics.ChatApiCall(Platform, method);
            var response = await SendOnceAsync(method, json, token, cancellationToken);
            TimeSpan? wait = response.Outcome switch
            {
                SlackOutcome.RateLimited when response.RetryAfter <= LongestQuickWait => response.RetryAfter,
                SlackOutcome.Unavailable => Backoff(attempt),
                _ => null,
            };
            if (wait is null || attempt >= MaxAttempts) return response;
            await Task.Delay(wait.Value, time, cancellationToken);
        }
    }

    private async Task<SlackResponse> SendOnceAsync(string method, string json, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            LogUnreachable(method, ex.HttpRequestError.ToString());
            metrics.ChatApiError(Platform, method, "unreachable");
            return SlackResponse.Unavailable($"{method}: {ex.HttpRequestError}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(method, "timeout");
            metrics.ChatApiError(Platform, method, "timeout");
            return SlackResponse.Unavailable($"{method}: timeout");
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var after = RetryAfter(response);
                LogRateLimited(method, after);
                metrics.ChatApiError(Platform, method, "ratelimited");
                return SlackResponse.Limited(after);
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                // Slack answers 200 to everything it understood; anything else is an outage or a wrong ApiBaseUrl.
                LogHttpStatus(method, (int)response.StatusCode);
                metrics.ChatApiError(Platform, method, "http_" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                return SlackResponse.Unavailable($"{method}: HTTP {(int)response.StatusCode}");
            }

            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
                root = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                LogHttpStatus(method, 200);
                metrics.ChatApiError(Platform, method, "not_json");
                return SlackResponse.Unavailable($"{method}: not JSON");
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True)
            {
                return SlackResponse.Succeeded(root);
            }

            var error = root.Text("error") ?? "unknown_error";
            metrics.ChatApiError(Platform, method, error);
            if (error == "ratelimited")
            {
                var after = RetryAfter(response);
                LogRateLimited(method, after);
                return SlackResponse.Limited(after);
            }

            LogRefused(method, error);
            return SlackResponse.Refused(error);
        }
    }

    private static TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var after = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => DefaultRetryAfter,
        };
        return after < TimeSpan.Zero ? TimeSpan.Zero : after > TimeSpan.FromMinutes(10) ? TimeSpan.FromMinutes(10) : after;
    }

    /// <summary>0.25 s, then 0.5 s: a blip, not an outage, is what the quick retries are for.</summary>
    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt - 1));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} answered ok:false, error {Error}")]
    private partial void LogRefused(string method, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack {Method} is rate limited; retry after {RetryAfter}")]
    private partial void LogRateLimited(string method, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} answered HTTP {Status}")]
    private partial void LogHttpStatus(string method, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} could not be reached: {Reason}")]
    private partial void LogUnreachable(string method, string reason);
}
