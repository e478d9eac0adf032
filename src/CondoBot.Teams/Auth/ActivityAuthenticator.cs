using System.Net.Http.Headers;
using System.Text.Json;
using CondoBot.Teams.Activities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace CondoBot.Teams.Auth;

/// <summary>
/// Checks the bearer token of a request to <c>/api/messages</c> in two halves: the token alone (signature against the
/// issuer's published keys, RS256 only, issuer, audience = the bot's app id, lifetime with 5 minutes of skew) before
/// the body is read, then its binding to the activity (the <c>serviceurl</c> claim equals the activity's serviceUrl,
/// and the signing key is endorsed for its channel). A caller that passes both is the Bot Connector service.
/// </summary>
public sealed partial class ActivityAuthenticator(
    IOptions<TeamsOptions> options,
    OpenIdKeySources keySources,
    ILogger<ActivityAuthenticator> logger)
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<TokenCheck> CheckTokenAsync(string? authorization, bool fromLoopback, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            if (!options.Value.AllowAnonymousRequests) return TokenCheck.Refused("no Authorization header");
            return fromLoopback
                ? TokenCheck.Accepted(CallerIdentity.AnonymousCaller)
                : TokenCheck.Refused("no Authorization header, and anonymous requests are accepted from the loopback address only");
        }

        if (!AuthenticationHeaderValue.TryParse(authorization, out var header)
            || !string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrWhiteSpace(header.Parameter))
        {
            return TokenCheck.Refused("Authorization is not a bearer token");
        }

        var token = header.Parameter.Trim();
        JsonWebToken unverified;
        try
        {
            unverified = _handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return TokenCheck.Refused("the bearer token is not a JWT");
        }

        // The issuer picks which published keys to check the signature against; it is validated again below.
        var source = keySources.For(unverified.Issuer);
        if (source is null) return TokenCheck.Refused("issuer not accepted");

        OpenIdConnectConfiguration metadata;
        try
        {
            metadata = await source.GetAsync(cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            LogMetadataUnavailable(source.MetadataUrl, ex.Message);
            return new TokenCheck(null, "signing keys unavailable", Unavailable: true);
        }

        var result = await _handler.ValidateTokenAsync(token, Parameters(source, metadata));
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key the cache has not seen yet: the issuer may have rotated its keys since the last fetch.
            metadata = await source.RefreshAsync(cancellationToken);
            result = await _handler.ValidateTokenAsync(token, Parameters(source, metadata));
        }

        if (!result.IsValid)
        {
            return TokenCheck.Refused(Reason(result.Exception));
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        var serviceUrl = jwt.TryGetPayloadValue<string>("serviceurl", out var claim) ? claim : null;
        return TokenCheck.Accepted(new CallerIdentity(serviceUrl, Endorsements(metadata, jwt), Anonymous: false));
    }

    /// <summary>The second half: answers why the token does not speak for this activity, or null when it does.</summary>
    /// <summary>
    /// Teams is the only channel the bot serves, and its own tenant the only one (unless it is a legacy multi-tenant
    /// bot): other Bot Service channels such as Web Chat and Direct Line let the client choose <c>from</c> itself, so
    /// an identity from them is not a Teams user's.
    /// </summary>
    public static string? CheckChannel(Activity activity, TeamsOptions options)
    {
        if (!string.Equals(activity.ChannelId, TeamsChannel, StringComparison.Ordinal))
        {
            return $"the activity's channelId is '{activity.ChannelId}', not {TeamsChannel}";
        }

        if (string.Equals(options.TenantId, TeamsOptions.MultiTenant, StringComparison.OrdinalIgnoreCase)) return null;
        return string.Equals(activity.TenantId, options.TenantId, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"the activity's tenant '{activity.TenantId}' is not the bot's";
    }

    public const string TeamsChannel = "msteams";

    public static string? CheckBinding(CallerIdentity caller, Activity activity)
    {
        if (caller.Anonymous) return null;

        // Replies go to the activity's serviceUrl with the bot's own token, so that URL must be the one the
        // Connector signed; otherwise anyone holding any valid token could have the bot send its token elsewhere.
        if (caller.ServiceUrlClaim is null) return "the token has no serviceurl claim";
        if (!string.Equals(caller.ServiceUrlClaim, activity.ServiceUrl, StringComparison.Ordinal))
        {
            return "the token's serviceurl claim does not match the activity's serviceUrl";
        }

        if (activity.ChannelId is { Length: > 0 } channel && caller.Endorsements is { } endorsed && !endorsed.Contains(channel, StringComparer.Ordinal))
        {
            return "the signing key is not endorsed for the activity's channel";
        }

        return null;
    }

    private TokenValidationParameters Parameters(OpenIdKeySource source, OpenIdConnectConfiguration metadata) => new()
    {
        ValidIssuers = source.Issuers,
        ValidAudience = options.Value.AppId,
        IssuerSigningKeys = metadata.SigningKeys,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ClockSkew = ClockSkew,
    };

    /// <summary>The channels the token's signing key is endorsed for, or null when the key carries no endorsements.</summary>
    private static List<string>? Endorsements(OpenIdConnectConfiguration metadata, JsonWebToken jwt)
    {
        var key = metadata.JsonWebKeySet?.Keys.FirstOrDefault(k =>
            jwt.Kid is { Length: > 0 } kid ? k.Kid == kid : jwt.X5t is { Length: > 0 } x5t && k.X5t == x5t);
        if (key is null || !key.AdditionalData.TryGetValue("endorsements", out var raw) || raw is null) return null;
        return raw switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(e => e.ToString()).ToList(),
            string single => [single],
            System.Collections.IEnumerable many => many.Cast<object?>().Select(o => o?.ToString() ?? "").ToList(),
            _ => [],
        };
    }

    /// <summary>A short reason for the log; IdentityModel's own messages can quote claims, so they are not logged.</summary>
    private static string Reason(Exception? ex) => ex switch
    {
        SecurityTokenExpiredException => "the token has expired",
        SecurityTokenNotYetValidException => "the token is not valid yet",
        SecurityTokenInvalidAudienceException => "the token is for another audience",
        SecurityTokenInvalidIssuerException => "the token is from an issuer not accepted",
        SecurityTokenSignatureKeyNotFoundException => "the token is signed with an unknown key",
        SecurityTokenInvalidSignatureException => "the token's signature is invalid",
        SecurityTokenInvalidAlgorithmException => "the token is not signed with RS256",
        SecurityTokenNoExpirationException => "the token has no expiry",
        null => "the token is invalid",
        _ => "the token is invalid (" + ex.GetType().Name + ")",
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not load the OpenID metadata at {MetadataUrl}: {Error}")]
    private partial void LogMetadataUnavailable(string metadataUrl, string error);
}
