using System.Text.Json;
using CondoBot.Core;

namespace CondoBot.Slack.Inbound;

/// <summary>
/// A submitted modal (a <c>view_submission</c> payload): who submitted it, which form it was, and its field values
/// (<c>view.state.values</c>). The user is the submitter; the trigger id is unique per submission.
/// </summary>
internal sealed record ViewSubmission(string TeamId, string UserId, string CallbackId, string TriggerId, JsonElement Values)
{
    public ChatUserId User => SlackUser.Id(TeamId, UserId);

    /// <summary>Null for payloads that are not a well-formed view submission.</summary>
    public static ViewSubmission? FromPayload(JsonElement payload)
    {
        if (payload.Text("type") != "view_submission") return null;
        var user = payload.Child("user");
        var team = payload.Child("team").Text("id") ?? user.Text("team_id");
        var userId = user.Text("id");
        var view = payload.Child("view");
        var callback = view.Text("callback_id");
        var trigger = payload.Text("trigger_id");
        var values = view.Child("state").Child("values");
        if (!SlackUser.IsSlackId(team) || !SlackUser.IsSlackId(userId) || !SlashCommand.IsTriggerId(trigger) || callback is null
            || values.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new ViewSubmission(team, userId, callback, trigger!, values.Clone());
    }
}
