using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace CondoBot.Teams.Auth;

/// <summary>
/// One issuer family's OpenID metadata and signing keys: fetched on first use, cached, refetched every 12 hours (the
/// Bot Framework asks for at least daily), and refetched at once when a token names a key the cache lacks (a key
/// rotation), at most once every five minutes so forged tokens cannot make the bot hammer the issuer.
/// </summary>
/// <remarks>
/// IdentityModel's own ConfigurationManager is not used: in 8.x a requested refresh runs in the background and the
/// token that asked for it is still checked against the old keys, unless a process-wide AppContext switch is set
/// before any other IdentityModel code runs. Fetching and parsing are still IdentityModel's.
/// </remarks>
public sealed class OpenIdKeySource
{
    public static readonly TimeSpan AutomaticRefresh = TimeSpan.FromHours(12);
    public static readonly TimeSpan MinimumRefresh = TimeSpan.FromMinutes(5);

    private readonly HttpDocumentRetriever _retriever;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _fetchedAt;
    private DateTimeOffset _triedAt;

    public OpenIdKeySource(string metadataUrl, IReadOnlyList<string> issuers, HttpClient http, TimeProvider time)
    {
        MetadataUrl = metadataUrl;
        Issuers = issuers;
        _time = time;
        var uri = new Uri(metadataUrl);
        _retriever = new HttpDocumentRetriever(http)
        {
            // Metadata and keys come over TLS; plain http is allowed only on loopback, where tests serve their own.
            RequireHttps = !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback),
        };
    }

    public string MetadataUrl { get; }

    /// <summary>The <c>iss</c> values whose tokens are checked against these keys.</summary>
    public IReadOnlyList<string> Issuers { get; }

    /// <summary>The cached metadata, refetched when older than 12 hours (kept as it is if that fails).</summary>
    public Task<OpenIdConnectConfiguration> GetAsync(CancellationToken cancellationToken) => FetchIfOlderThanAsync(AutomaticRefresh, cancellationToken);

    /// <summary>Fresh metadata for a key the cache has not seen, unless it was fetched in the last five minutes.</summary>
    public Task<OpenIdConnectConfiguration> RefreshAsync(CancellationToken cancellationToken) => FetchIfOlderThanAsync(MinimumRefresh, cancellationToken);

    private async Task<OpenIdConnectConfiguration> FetchIfOlderThanAsync(TimeSpan age, CancellationToken cancellationToken)
    {
        if (_current is { } cached && !Due(age)) return cached;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } fresh && !Due(age)) return fresh;
            _triedAt = _time.GetUtcNow();
            try
            {
                _current = await OpenIdConnectConfigurationRetriever.GetAsync(MetadataUrl, _retriever, cancellationToken);
                _fetchedAt = _triedAt;
            }
            catch (Exception ex) when (_current is not null && ex is not OperationCanceledException)
            {
                // Stale keys are better than none while the issuer is unreachable; tried again after the minimum interval.
            }

            return _current;
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or InvalidOperationException))
        {
            throw new InvalidOperationException($"Could not load OpenID metadata from {MetadataUrl}: {ex.Message}", ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Older than <paramref name="age"/>, and not tried (successfully or not) in the last five minutes.</summary>
    private bool Due(TimeSpan age)
    {
        var now = _time.GetUtcNow();
        return now - _fetchedAt >= age && now - _triedAt >= MinimumRefresh;
    }
}
