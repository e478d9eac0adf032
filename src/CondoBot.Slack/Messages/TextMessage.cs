using System.Text.Json.Nodes;
using CondoBot.Core.Notices;

namespace CondoBot.Slack.Messages;

/// <summary>
/// Any other notice (a key check's outcome, a step that could not be done): its text, as a new message, with a button
/// for the command it suggests when the bot has one (Check key).
/// </summary>
public static class TextMessage
{
    public static SlackMessage Render(Notice notice)
    {
        var message = SlackMessage.Plain(NoticeText.Render(notice));
        if (notice is TextNotice { Suggests: { } command } && ButtonFor(command) is { } button)
        {
            message.Blocks.Add(Block.Actions("suggested", [button]));
        }

        return message;
    }

    /// <summary>The reply to a typed command, with a button for what it asks the person to do next.</summary>
    public static SlackMessage Reply(Core.Commands.Command? command, string text)
    {
        var message = SlackMessage.Plain(text);
        // `key UID` ends with "Then `key check` tells whether it works": the button saves typing it.
        if (command is Core.Commands.KeyLinkCommand && text.Contains("`key check`", StringComparison.Ordinal))
        {
            message.Blocks.Add(Block.Actions("suggested", [Buttons.KeyCheckButton()]));
        }

        return message;
    }

    private static JsonObject? ButtonFor(string command) => command switch
    {
        "key check" => Buttons.KeyCheckButton(),
        _ => null,
    };
}
