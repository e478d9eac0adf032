using System.Text.Json.Nodes;

namespace CondoBot.Slack.Messages;

/// <summary>The few Block Kit blocks the bot uses, with Slack's size limits applied.</summary>
internal static class Block
{
    /// <summary>Slack refuses a section whose text is longer than this.</summary>
    public const int MaxSectionText = 3000;

    public static JsonObject Section(string mrkdwn) => new()
    {
        ["type"] = "section",
        ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwn },
    };

    /// <summary>Long text as as many sections as it needs, cut at line ends where possible.</summary>
    public static IReadOnlyList<JsonObject> Sections(string mrkdwn)
    {
        var blocks = new List<JsonObject>();
        var rest = mrkdwn;
        while (rest.Length > MaxSectionText)
        {
            var cut = rest.LastIndexOf('\n', MaxSectionText - 1);
            if (cut <= 0) cut = MaxSectionText;
            blocks.Add(Section(rest[..cut]));
            rest = rest[cut..].TrimStart('\n');
        }

        blocks.Add(Section(rest.Length == 0 ? " " : rest));
        return blocks;
    }

    public static JsonObject Context(string mrkdwn) => new()
    {
        ["type"] = "context",
        ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwn }),
    };

    public static JsonObject Actions(string blockId, IEnumerable<JsonObject> buttons) => new()
    {
        ["type"] = "actions",
        ["block_id"] = blockId,
        ["elements"] = new JsonArray([.. buttons]),
    };

    public static JsonObject Button(string actionId, string label, string value, string? style = null, JsonObject? confirm = null)
    {
        var button = new JsonObject
        {
            ["type"] = "button",
            ["action_id"] = actionId,
            ["text"] = PlainText(label),
            ["value"] = value,
        };
        if (style is not null) button["style"] = style;
        if (confirm is not null) button["confirm"] = confirm;
        return button;
    }

    public static JsonObject Confirm(string title, string mrkdwn, string yes, string no) => new()
    {
        ["title"] = PlainText(title),
        ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwn },
        ["confirm"] = PlainText(yes),
        ["deny"] = PlainText(no),
    };

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };
}
