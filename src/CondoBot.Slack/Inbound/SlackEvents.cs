using System.Text.Json;
using CondoBot.Slack.Notifying;

namespace CondoBot.Slack.Inbound;

/// <summary>
/// The Events API, over HTTP (<c>POST /slack/events</c>) or Socket Mode (<c>events_api</c> envelopes): the bot uses
/// only <c>app_home_opened</c> on the Home tab. The tab's publish is recorded as due before the event is
/// acknowledged, and carried out after, so an acknowledged event is never lost to a restart.
/// </summary>
internal sealed class SlackEvents(HomeRefreshes homes)
{
    /// <summary>Handles one <c>event_callback</c> payload; anything else is ignored.</summary>
    public async Task HandleAsync(JsonElement payload, CancellationToken cancellationToken)
    {
        if (payload.Text("type") != "event_callback") return;
        var e = payload.Child("event");
        if (e.Text("type") != "app_home_opened" || e.Text("tab") is not (null or "home")) return;
        var team = payload.Text("team_id") ?? e.Text("team") ?? payload.Child("authorizations").EnumerateFirst().Text("team_id");
        var user = e.Text("user");
        if (!SlackUser.IsSlackId(team) || !SlackUser.IsSlackId(user)) return;
        await homes.NowAsync(SlackUser.Id(team, user), cancellationToken);
    }
}

internal static class JsonArrays
{
    public static JsonElement EnumerateFirst(this JsonElement array) =>
        array.ValueKind == JsonValueKind.Array && array.GetArrayLength() > 0 ? array[0] : default;
}
