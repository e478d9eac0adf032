using System.Text.Json;
using CondoBot.Core;

namespace CondoBot.Slack.Inbound;

/// <summary>
/// A click on one of the status message's buttons (a <c>block_actions</c> payload). The user is the one who clicked,
/// never the message's owner: the core then acts only on that user's own sessions.
/// </summary>
internal sealed record ButtonClick(string TeamId, string UserId, string? ChannelId, string ActionId, string Value, string TriggerId)
{
    public ChatUserId User => SlackUser.Id(TeamId, UserId);

    /// <summary>The open form the action happened in (its id, hash and callback id), for a select inside a modal.</summary>
    public FormView? View { get; init; }

    /// <summary>Null for payloads that are not a well-formed button click (other interaction types are ignored).</summary>
    public static ButtonClick? FromPayload(JsonElement payload)
    {
        if (payload.Text("type") != "block_actions") return null;
        var user = payload.Child("user");
        var team = payload.Child("team").Text("id") ?? user.Text("team_id");
        var userId = user.Text("id");
        var trigger = payload.Text("trigger_id");
        var channel = payload.Child("channel").Text("id") ?? payload.Child("container").Text("channel_id");
        var actions = payload.Child("actions");
        if (actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0) return null;
        var action = actions[0];
        var actionId = action.Text("action_id");
        if (!SlackUser.IsSlackId(team) || !SlackUser.IsSlackId(userId) || !SlashCommand.IsTriggerId(trigger) || actionId is null) return null;
        // A select's value is its chosen option's, not the action's own.
        var value = action.Text("value") ?? action.Child("selected_option").Text("value") ?? "";
        var view = payload.Child("view");
        return new ButtonClick(team, userId, SlackUser.IsSlackId(channel) ? channel : null, actionId, value, trigger!)
        {
            View = view.Text("id") is { } viewId && view.Text("callback_id") is { } callback ? new FormView(viewId, view.Text("hash"), callback) : null,
        };
    }
}

/// <summary>A modal an action came from: its id and hash (for <c>views.update</c>) and which form it is.</summary>
internal sealed record FormView(string Id, string? Hash, string CallbackId);
