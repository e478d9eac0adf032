using System.Text.Json;
using System.Text.RegularExpressions;
using CondoBot.Core;

namespace CondoBot.Slack.Inbound;

/// <summary>
/// <c>/condo TEXT</c> as Slack delivers it, over HTTP (a form) or Socket Mode (the same fields as JSON). Only the fields
/// the bot uses; <c>trigger_id</c> is unique per invocation, which is what makes a retried delivery recognisable.
/// </summary>
internal sealed partial record SlashCommand(string TeamId, string UserId, string Text, string TriggerId)
{
    public ChatUserId User => SlackUser.Id(TeamId, UserId);

    public static SlashCommand? FromForm(IReadOnlyDictionary<string, string> form) => Create(
        form.GetValueOrDefault("team_id"), form.GetValueOrDefault("user_id"), form.GetValueOrDefault("text"), form.GetValueOrDefault("trigger_id"));

    public static SlashCommand? FromJson(JsonElement payload) => Create(
        payload.Text("team_id"), payload.Text("user_id"), payload.Text("text"), payload.Text("trigger_id"));

    /// <summary>Null when a field the bot relies on is missing or not shaped like Slack's.</summary>
    private static SlashCommand? Create(string? team, string? user, string? text, string? trigger)
    {
        if (!SlackUser.IsSlackId(team) || !SlackUser.IsSlackId(user) || !IsTriggerId(trigger)) return null;
        return new SlashCommand(team, user, text ?? "", trigger!);
    }

    public static bool IsTriggerId(string? text) => text is not null && TriggerPattern().IsMatch(text);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex TriggerPattern();
}
