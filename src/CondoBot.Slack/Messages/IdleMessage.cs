using System.Text.Json.Nodes;
using CondoBot.Core.Notices;

namespace CondoBot.Slack.Messages;

/// <summary>The idle question as a new message (so it notifies), with its answers as buttons: Stop now and Keep 2 h.</summary>
public static class IdleMessage
{
    public static SlackMessage Render(IdleNotice notice)
    {
        var text = NoticeText.Render(notice);
        var plain = SlackMessage.Plain(text);
        if (notice.Session.JobId is not { } job) return plain;
        var blocks = plain.Blocks;
        blocks.Add(Block.Actions("idle", [Buttons.StopButton(job, "Stop now"), Buttons.KeepButton(job)]));
        return new SlackMessage(Mrkdwn.Escape(NoticeText.IdleQuestion(notice)), blocks);
    }
}
