using Microsoft.Extensions.Options;

namespace CondoBot.Teams.Auth;

/// <summary>The key sources for the configured issuers (<c>Teams__Issuers</c>), looked up by a token's <c>iss</c>.</summary>
public sealed class OpenIdKeySources
{
    public const string HttpClientName = "teams-openid";

    private readonly List<OpenIdKeySource> _sources = [];

    public OpenIdKeySources(IOptions<TeamsOptions> options, IHttpClientFactory http, TimeProvider time)
    {
        var o = options.Value;
        if (o.Issuers.HasFlag(TokenIssuers.BotFramework))
        {
            _sources.Add(new OpenIdKeySource(o.EffectiveOpenIdMetadataUrl, [TeamsOptions.BotFrameworkIssuer], http.CreateClient(HttpClientName), time));
        }

        if (o.Issuers.HasFlag(TokenIssuers.Entra))
        {
            _sources.Add(new OpenIdKeySource(o.EffectiveEntraOpenIdMetadataUrl, o.EntraIssuers, http.CreateClient(HttpClientName), time));
        }
    }

    public OpenIdKeySource? For(string? issuer) =>
        issuer is null ? null : _sources.FirstOrDefault(s => s.Issuers.Contains(issuer, StringComparer.Ordinal));
}
