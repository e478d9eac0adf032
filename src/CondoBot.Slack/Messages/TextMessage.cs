using CondoBot.Core.Notices;

namespace CondoBot.Slack.Messages;

/// <summary>Any other notice (a key check's outcome, a step that could not be done): its text, as a new message.</summary>
public static class TextMessage
{
    public static SlackMessage Render(Notice notice) => SlackMessage.Plain(NoticeText.Render(notice));
}
