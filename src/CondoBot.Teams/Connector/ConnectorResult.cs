using System.Net;
using CondoBot.Core.Notices;

namespace CondoBot.Teams.Connector;

/// <summary>What the Connector said to one call: its status, the id it returned, and its error code when it refused.</summary>
public sealed record ConnectorResult(HttpStatusCode? Status, string? Id = null, string? ErrorCode = null, TimeSpan? RetryAfter = null)
{
    /// <summary>The call was not made: the serviceUrl was never seen in an accepted activity.</summary>
    public static readonly ConnectorResult Untrusted = new((HttpStatusCode?)null);

    public bool Succeeded => Status is { } s && (int)s is >= 200 and < 300;

    /// <summary>The user removed the app or blocked the bot; nothing can reach them until they add it again.</summary>
    public bool WritesBlocked => Status == HttpStatusCode.Forbidden && ErrorCode == "MessageWritesBlocked";

    public bool NotFound => Status == HttpStatusCode.NotFound;

    /// <summary>
    /// How a failed call counts for a notice: rate limits and outages are retried (the outbox keeps the order); a
    /// blocked user or a request the Connector will never take is dropped, with the reason in the log.
    /// </summary>
    public Delivery ToDelivery(string what)
    {
        if (Succeeded) return Delivery.Done;
        if (Status is null) return Delivery.Never($"{what}: the serviceUrl was never seen in an authenticated activity");
        var code = (int)Status.Value;
        var detail = $"{what}: HTTP {code}{(ErrorCode is null ? "" : " " + ErrorCode)}";
        if (WritesBlocked) return Delivery.Never(detail + " (the user removed the app or blocked the bot)");
        if (Status == HttpStatusCode.TooManyRequests || code >= 500 || Status == HttpStatusCode.Unauthorized)
        {
            return Delivery.Later(detail, RetryAfter);
        }

        return Delivery.Never(detail);
    }
}
