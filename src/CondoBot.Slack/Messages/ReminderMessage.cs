using System.Text.Json.Nodes;
using CondoBot.Core.Notices;

namespace CondoBot.Slack.Messages;

/// <summary>
/// The walltime reminder, a new message so that it notifies, with the answers it asks for as buttons: Renew (unless a
/// follow-on is already queued) and Stop now.
/// </summary>
public static class ReminderMessage
{
    public static SlackMessage Render(ReminderNotice reminder)
    {
        var text = Mrkdwn.Escape(NoticeText.Render(reminder));
        var blocks = new JsonArray([.. Block.Sections(text)]);
        if (reminder.Session.JobId is { } job)
        {
            var buttons = new List<JsonObject>();
            if (!reminder.Session.HasFollowOn) buttons.Add(Buttons.RenewButton(job));
            buttons.Add(Buttons.StopButton(job, "Stop now"));
            blocks.Add(Block.Actions("reminder", buttons));
        }

        return new SlackMessage(text, blocks);
    }
}
