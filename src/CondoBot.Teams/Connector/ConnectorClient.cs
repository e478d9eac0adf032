using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CondoBot.Core.Diagnostics;
using CondoBot.Teams.Activities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CondoBot.Teams.Connector;

/// <summary>
/// The three Bot Connector REST calls the bot makes: send an activity to a conversation, update one in place, and
/// open a 1:1 conversation. The bot's token is attached only for serviceUrls seen in authenticated activities. Each
/// request is counted by method (<c>send_activity</c>, <c>update_activity</c>, <c>create_conversation</c>), and each
/// failure by method and error, in <see cref="CondoBotMetrics"/>.
/// </summary>
public sealed partial class ConnectorClient(
    IHttpClientFactory http,
    BotTokenProvider tokens,
    TrustedServiceUrls trusted,
    IOptions<TeamsOptions> options,
    CondoBotMetrics metrics,
    ILogger<ConnectorClient> logger)
{
    private const string Platform = "teams";

    public const string HttpClientName = "teams-connector";

    /// <summary><c>POST {serviceUrl}/v3/conversations/{id}/activities</c>; the result carries the new activity's id.</summary>
    public Task<ConnectorResult> SendAsync(string serviceUrl, string conversationId, object activity, CancellationToken cancellationToken) =>
        CallAsync("send_activity", HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities", activity, cancellationToken);

    /// <summary><c>PUT {serviceUrl}/v3/conversations/{id}/activities/{activityId}</c>: replaces a message the bot sent.</summary>
    public Task<ConnectorResult> UpdateAsync(string serviceUrl, string conversationId, string activityId, object activity, CancellationToken cancellationToken) =>
        CallAsync("update_activity", HttpMethod.Put, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", activity, cancellationToken);

    /// <summary><c>POST {serviceUrl}/v3/conversations</c> for a 1:1 chat with one user; the result carries its id.</summary>
    public Task<ConnectorResult> CreatePersonalConversationAsync(string serviceUrl, string userId, string tenantId, CancellationToken cancellationToken) =>
        CallAsync("create_conversation", HttpMethod.Post, serviceUrl, "v3/conversations", new
        {
            bot = new { id = options.Value.BotId },
            members = new[] { new { id = userId } },
            isGroup = false,
            tenantId,
            channelData = new { tenant = new { id = tenantId } },
        }, cancellationToken);

    private async Task<ConnectorResult> CallAsync(string name, HttpMethod method, string serviceUrl, string path, object body, CancellationToken cancellationToken)
    {
        var trust = await trusted.TrustOfAsync(serviceUrl, cancellationToken);
        if (trust == ServiceUrlTrust.Unknown || trust == ServiceUrlTrust.Anonymous && !options.Value.AllowAnonymousRequests)
        {
            LogUntrusted(method.Method, serviceUrl);
            return ConnectorResult.Untrusted;
        }

        using var request = new HttpRequestMessage(method, new Uri(serviceUrl.TrimEnd('/') + "/" + path))
        {
            Content = JsonContent.Create(body, options: ConnectorJson.Options),
        };
        if (trust == ServiceUrlTrust.Signed)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(cancellationToken));
        }

        metrics.ChatApiCall(Platform, name);
        HttpResponseMessage response;
        try
        {
            response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException || ex is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            metrics.ChatApiError(Platform, name, ex is HttpRequestException ? "unreachable" : "timeout");
            throw;
        }

        using (response)
        {
            var result = await ReadAsync(response, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized) tokens.Invalidate();
            if (!result.Succeeded)
            {
                LogRefused(method.Method, path, (int)response.StatusCode, result.ErrorCode);
                metrics.ChatApiError(Platform, name, ErrorTag(response.StatusCode, result.ErrorCode));
            }

            return result;
        }
    }

    private static async Task<ConnectorResult> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? id = null;
        string? error = null;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (text.Length > 0)
        {
            try
            {
                using var json = JsonDocument.Parse(text);
                var root = json.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    if (root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String) id = i.GetString();
                    if (root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object
                        && e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
                    {
                        error = c.GetString();
                    }
                }
            }
            catch (JsonException)
            {
                // Error pages from proxies are not JSON; the status code says enough.
            }
        }

        return new ConnectorResult(response.StatusCode, id, error, RetryAfter(response));
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>
    /// A refusal (4xx) is counted by the Connector's code when it gives one (<c>MessageWritesBlocked</c>), which says
    /// why; a rate limit or an outage by its status, since the body of a 5xx (often a proxy's) says little.
    /// </summary>
    private static string ErrorTag(HttpStatusCode status, string? code) =>
        (int)status is >= 400 and < 500 && status != HttpStatusCode.TooManyRequests && code is not null
            ? code
            : "http_" + ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Teams conversation ids carry ':', '@' and ';', which must not be read as URL syntax.</summary>
    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused to {Method} to {ServiceUrl}: it was never seen in an authenticated activity")]
    private partial void LogUntrusted(string method, string serviceUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Connector answered {Method} {Path} with HTTP {Status} {ErrorCode}")]
    private partial void LogRefused(string method, string path, int status, string? errorCode);
}
