using CondoBot.Core.Notices;

namespace CondoBot.Teams.Connector;

/// <summary>
/// The Connector endpoints the bot may call, learned only from activities that passed authentication, so the bot's
/// token is never sent anywhere an attacker could name. Kept durably: proactive messages go out long after the
/// activity that introduced the URL.
/// </summary>
public sealed class TrustedServiceUrls(IChatStateStore state)
{
    private const string Signed = "signed";
    private const string Unsigned = "anonymous";

    /// <summary>Records a serviceUrl the Connector vouched for with a validated token.</summary>
    public Task TrustAsync(string serviceUrl, CancellationToken cancellationToken) =>
        state.PutAsync(Key(serviceUrl), Signed, cancellationToken);

    /// <summary>
    /// Records a serviceUrl from an unauthenticated request (development mode only). It never replaces a signed
    /// one, and such URLs are called without a token.
    /// </summary>
    public Task NoteAnonymousAsync(string serviceUrl, CancellationToken cancellationToken) =>
        state.TryAddAsync(Key(serviceUrl), Unsigned, cancellationToken);

    public async Task<ServiceUrlTrust> TrustOfAsync(string serviceUrl, CancellationToken cancellationToken) =>
        await state.GetAsync(Key(serviceUrl), cancellationToken) switch
        {
            Signed => ServiceUrlTrust.Signed,
            Unsigned => ServiceUrlTrust.Anonymous,
            _ => ServiceUrlTrust.Unknown,
        };

    private static string Key(string serviceUrl) => "teams:serviceurl:" + serviceUrl;
}

public enum ServiceUrlTrust
{
    /// <summary>Never seen in an accepted activity: nothing is sent there.</summary>
    Unknown,
    /// <summary>Seen in an activity with a validated token: called with the bot's token.</summary>
    Signed,
    /// <summary>Seen only in anonymous development requests: called without a token, and only while that mode is on.</summary>
    Anonymous,
}
