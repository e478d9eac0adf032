namespace CondoBot.Teams;

/// <summary><c>Teams__...</c>: the bot's Azure registration and where its keys and tokens come from.</summary>
public sealed class TeamsOptions
{
    public const string Section = "Teams";

    public const string BotFrameworkIssuer = "https://api.botframework.com";

    public const string BotFrameworkMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    public const string ConnectorScope = "https://api.botframework.com/.default";

    /// <summary>The bot's Microsoft App ID (its Entra application id): the audience of every incoming token.</summary>
    public string AppId { get; set; } = "";

    /// <summary>The client secret the bot gets its outgoing tokens with.</summary>
    public string AppPassword { get; set; } = "";

    /// <summary>The Entra tenant the bot is registered in (single-tenant bots; <c>botframework.com</c> for legacy multi-tenant ones).</summary>
    public string TenantId { get; set; } = "";

    /// <summary>Bot Framework OpenID metadata; empty means Microsoft's. Tests point it at their own keys.</summary>
    public string OpenIdMetadataUrl { get; set; } = "";

    /// <summary>Entra OpenID metadata for the tenant's issuers; empty means the tenant's v2.0 document.</summary>
    public string EntraOpenIdMetadataUrl { get; set; } = "";

    /// <summary>Where the bot gets client-credentials tokens; empty means the tenant's v2.0 token endpoint.</summary>
    public string TokenEndpoint { get; set; } = "";

    /// <summary>Which issuers' tokens are accepted on <c>/api/messages</c>: by default the Bot Connector's, the only ones Teams sends.</summary>
    public TokenIssuers Issuers { get; set; } = TokenIssuers.BotFramework;

    /// <summary>
    /// Development only: accept requests that carry no <c>Authorization</c> header at all (a local emulator), from the
    /// loopback address only. Anyone who can reach the endpoint there can act as any Teams user, so the service refuses
    /// it outside the Development environment and warns at start while it is on.
    /// </summary>
    public bool AllowAnonymousRequests { get; set; }

    public string BotId => "28:" + AppId;

    /// <summary>The tenant of a legacy multi-tenant bot, whose activities come from any tenant.</summary>
    public const string MultiTenant = "botframework.com";

    public string EffectiveOpenIdMetadataUrl => OrDefault(OpenIdMetadataUrl, BotFrameworkMetadataUrl);

    public string EffectiveEntraOpenIdMetadataUrl =>
        OrDefault(EntraOpenIdMetadataUrl, $"https://login.microsoftonline.com/{TenantId}/v2.0/.well-known/openid-configuration");

    public string EffectiveTokenEndpoint =>
        OrDefault(TokenEndpoint, $"https://login.microsoftonline.com/{TenantId}/oauth2/v2.0/token");

    /// <summary>The issuers Entra writes into tokens for this tenant (v2.0 and v1.0 forms).</summary>
    public IReadOnlyList<string> EntraIssuers =>
        [$"https://login.microsoftonline.com/{TenantId}/v2.0", $"https://sts.windows.net/{TenantId}/"];

    /// <summary>
    /// Teams is on when any of its three required settings is given; then all three must be, so a half-done
    /// configuration stops the service instead of silently leaving Teams off.
    /// </summary>
    public static bool IsEnabled(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        return !string.IsNullOrWhiteSpace(section["AppId"])
            || !string.IsNullOrWhiteSpace(section["AppPassword"])
            || !string.IsNullOrWhiteSpace(section["TenantId"]);
    }

    private static string OrDefault(string value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
}

/// <summary>Token issuers accepted from the Bot Connector service.</summary>
[Flags]
public enum TokenIssuers
{
    None = 0,
    /// <summary><c>https://api.botframework.com</c>, keys from the Bot Framework OpenID metadata.</summary>
    BotFramework = 1,
    /// <summary>The bot's own Entra tenant (single-tenant bots), keys from the tenant's OpenID metadata.</summary>
    Entra = 2,
}
