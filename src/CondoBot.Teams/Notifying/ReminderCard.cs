using System.Text.Json.Nodes;
using CondoBot.Core.Notices;
using CondoBot.Teams.Activities;

namespace CondoBot.Teams.Notifying;

/// <summary>
/// A walltime reminder as a new message (so it notifies) whose card has the answers as buttons: Renew (unless a
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
