using CondoBot.Core.Notices;
using CondoBot.Slack.WebApi;

namespace CondoBot.Slack.Notifying;

/// <summary>
/// Folds a Web API answer into the core's delivery outcomes. Only errors that no retry can fix drop a notice (the
/// person cannot be messaged, or the message itself is refused); everything else, including a bad or revoked token
/// that an operator can fix, keeps it queued.
/// </summary>
internal static class SlackDelivery
{
    private static readonly HashSet<string> NeverDeliverable = new(StringComparer.Ordinal)
    {
        // The person: gone, deactivated, or not someone the bot can write to.
        "user_not_found", "users_not_found", "user_disabled", "user_not_visible", "cannot_dm_bot",
        // The message: retrying the same payload can only fail the same way.
        "msg_too_long", "no_text", "invalid_blocks", "invalid_blocks_format", "invalid_arguments", "too_many_attachments",
    };

    public static Delivery From(string method, SlackResponse response) => response.Outcome switch
    {
        SlackOutcome.Ok => Delivery.Done,
        SlackOutcome.RateLimited => Delivery.Later($"{method}: rate limited", response.RetryAfter),
        SlackOutcome.Refused when NeverDeliverable.Contains(response.Error!) => Delivery.Never($"{method}: {response.Error}"),
        SlackOutcome.Refused => Delivery.Later($"{method}: {response.Error}"),
        _ => Delivery.Later(response.Error ?? method),
    };
}
