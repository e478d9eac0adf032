using System.Text.Json;

namespace CondoBot.Slack.WebApi;

/// <summary>How one Web API call ended, after the client's own quick retries.</summary>
public sealed record SlackResponse(SlackOutcome Outcome, JsonElement Body = default, string? Error = null, TimeSpan? RetryAfter = null)
{
    public bool Ok => Outcome == SlackOutcome.Ok;

    public static SlackResponse Succeeded(JsonElement body) => new(SlackOutcome.Ok, body);

    public static SlackResponse Refused(string error) => new(SlackOutcome.Refused, Error: error);

    public static SlackResponse Limited(TimeSpan retryAfter) => new(SlackOutcome.RateLimited, Error: "ratelimited", RetryAfter: retryAfter);

    public static SlackResponse Unavailable(string detail) => new(SlackOutcome.Unavailable, Error: detail);
}

public enum SlackOutcome
{
    /// <summary><c>"ok": true</c>.</summary>
    Ok,
    /// <summary><c>"ok": false</c> with Slack's error code (<c>channel_not_found</c>, <c>invalid_auth</c>...).</summary>
    Refused,
    /// <summary>HTTP 429: wait <see cref="SlackResponse.RetryAfter"/>, then try again.</summary>
    RateLimited,
    /// <summary>HTTP 5xx, a network failure or a timeout: try again later.</summary>
    Unavailable,
}
