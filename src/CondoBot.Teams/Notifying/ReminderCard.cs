using System.Text.Json.Nodes;
using CondoBot.Core.Notices;
using CondoBot.Teams.Activities;

namespace CondoBot.Teams.Notifying;

/// <summary>
/// A walltime reminder (and the idle question) as a new message (so it notifies) whose card has the answers as buttons: Renew (unless a
/// follow-on is already queued) and Stop now. The card's lines say the same in words; the summary, which Teams shows in
/// the notification, is the first of them.
/// </summary>
public static class ReminderCard
{
    public static JsonObject Activity(ReminderNotice reminder)
    {
        var text = NoticeText.Render(reminder);
        if (reminder.Session.JobId is not { } job) return TeamsNotifier.Text(text);

        var actions = new JsonArray();
        if (!reminder.Session.HasFollowOn) actions.Add(SessionCard.Button("Renew", CommandText.RenewVerb, job));
        actions.Add(SessionCard.Button("Stop now", CommandText.StopVerb, job));
        return Card(text, actions);
    }

    /// <summary>The idle question, the same way: Stop now and Keep 2 h.</summary>
    public static JsonObject Idle(IdleNotice idle)
    {
        var text = NoticeText.Render(idle);
        if (idle.Session.JobId is not { } job) return TeamsNotifier.Text(text);
        return Card(text, [
            SessionCard.Button("Stop now", CommandText.StopVerb, job),
            SessionCard.Button($"Keep {(long)Core.Sessions.IdleWatch.KeepFor.TotalHours} h", CommandText.KeepVerb, job),
        ]);
    }

    private static JsonObject Card(string text, JsonArray actions)
    {
        var lines = text.Split('\n');
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.4",
            ["body"] = new JsonArray([.. lines.Select(line => (JsonNode)SessionCard.Plain(line))]),
            ["actions"] = actions,
        };
        return new JsonObject
        {
            ["type"] = "message",
            ["summary"] = lines[0],
            ["attachments"] = new JsonArray(new JsonObject { ["contentType"] = SessionCard.ContentType, ["content"] = card }),
        };
    }
}
