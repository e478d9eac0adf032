using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace CondoBot.Teams.Auth;

/// <summary>
/// One issuer family's OpenID metadata and signing keys, fetched on first use, cached, refreshed every 12 hours (the
/// Bot Framework asks for at least daily) and on demand when a token names a key the cache does not have yet.
/// </summary>
public sealed class OpenIdKeySource
{
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _manager;

    public OpenIdKeySource(string metadataUrl, IReadOnlyList<string> issuers, HttpClient http)
    {
        MetadataUrl = metadataUrl;
        Issuers = issuers;
        var uri = new Uri(metadataUrl);
        var retriever = new HttpDocumentRetriever(http)
        {
            // Metadata and keys come over TLS; plain http is allowed only on loopback, where tests serve their own.
            RequireHttps = !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback),
        };
        _manager = new ConfigurationManager<OpenIdConnectConfiguration>(metadataUrl, new OpenIdConnectConfigurationRetriever(), retriever)
        {
            AutomaticRefreshInterval = TimeSpan.FromHours(12),
            RefreshInterval = TimeSpan.FromMinutes(5),
        };
    }

    public string MetadataUrl { get; }

    /// <summary>The <c>iss</c> values whose tokens are checked against these keys.</summary>
    public IReadOnlyList<string> Issuers { get; }

    public Task<OpenIdConnectConfiguration> GetAsync(CancellationToken cancellationToken) => _manager.GetConfigurationAsync(cancellationToken);

    /// <summary>Asks for fresh keys (at most once every five minutes), for a key rotation the cache has not seen.</summary>
    public void RequestRefresh() => _manager.RequestRefresh();
}
