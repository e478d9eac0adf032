using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CondoBot.Teams.Connector;

/// <summary>
/// The bot's own access token for the Connector (client credentials), fetched once and reused until shortly
/// before it expires, so a burst of messages costs one token request.
/// </summary>
public sealed partial class BotTokenProvider(
    IHttpClientFactory http,
    IOptions<TeamsOptions> options,
    TimeProvider time,
    ILogger<BotTokenProvider> logger) : IDisposable
{
    /// <summary>Renew this long before expiry, so a token never expires between being read and being used.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Replaced whole, so a reader never sees one token with another's expiry.</summary>
    private volatile CachedToken? _cached;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached && time.GetUtcNow() < cached.RenewAt) return cached.Token;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } fresh && time.GetUtcNow() < fresh.RenewAt) return fresh.Token;
            return await FetchAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the cached token (the Connector refused it); the next call fetches a new one.</summary>
    public void Invalidate() => _cached = null;

    private async Task<string> FetchAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = o.AppId,
            ["client_secret"] = o.AppPassword,
            ["scope"] = TeamsOptions.ConnectorScope,
        });
        using var response = await http.CreateClient(ConnectorClient.HttpClientName).PostAsync(new Uri(o.EffectiveTokenEndpoint), form, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // The body may echo request details; the status code is enough to act on.
            LogTokenRefused((int)response.StatusCode);
            throw new HttpRequestException($"The token endpoint answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        var body = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
            ?? throw new HttpRequestException("The token endpoint answered with an empty body.");
        if (string.IsNullOrEmpty(body.AccessToken)) throw new HttpRequestException("The token endpoint answered without an access_token.");

        var lifetime = TimeSpan.FromSeconds(Math.Max(0, body.ExpiresIn));
        // Short-lived tokens (tests, unusual tenants) are renewed at half-life instead of going negative.
        var early = lifetime > Margin * 2 ? Margin : lifetime / 2;
        _cached = new CachedToken(body.AccessToken, time.GetUtcNow() + lifetime - early);
        LogTokenFetched(lifetime);
        return body.AccessToken;
    }

    public void Dispose() => _gate.Dispose();

    private sealed record CachedToken(string Token, DateTimeOffset RenewAt);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] long ExpiresIn);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched a Connector token valid for {Lifetime}")]
    private partial void LogTokenFetched(TimeSpan lifetime);

    [LoggerMessage(Level = LogLevel.Error, Message = "The token endpoint refused the bot's credentials with HTTP {Status}; check Teams__AppId, Teams__AppPassword and Teams__TenantId")]
    private partial void LogTokenRefused(int status);
}
