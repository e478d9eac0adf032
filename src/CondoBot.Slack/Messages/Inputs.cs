using System.Text.Json.Nodes;

namespace CondoBot.Slack.Messages;

/// <summary>The Block Kit input blocks of the bot's forms, with Slack's size limits in mind.</summary>
internal static class Inputs
{
    public static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };

    public static JsonObject Text(string blockId, string label, string? initial, string placeholder, string? hint = null, bool optional = false)
    {
        var element = new JsonObject
        {
            ["type"] = "plain_text_input",
            ["action_id"] = blockId,
            ["placeholder"] = PlainText(placeholder),
        };
        if (!string.IsNullOrEmpty(initial)) element["initial_value"] = initial;
        return Input(blockId, label, element, hint, optional);
    }

    public static JsonObject Select(string blockId, string label, IReadOnlyList<Option> options, string? initial, string? hint = null)
    {
        var choices = new JsonArray([.. options.Select(Choice)]);
        var element = new JsonObject
        {
            ["type"] = "static_select",
            ["action_id"] = blockId,
            ["options"] = choices,
        };
        var chosen = options.FirstOrDefault(o => o.Value == initial);
        element["initial_option"] = Choice(chosen ?? options[0]);
        return Input(blockId, label, element, hint, optional: false);
    }

    private static JsonObject Input(string blockId, string label, JsonObject element, string? hint, bool optional)
    {
        var block = new JsonObject
        {
            ["type"] = "input",
            ["block_id"] = blockId,
            ["label"] = PlainText(label),
            ["element"] = element,
            ["optional"] = optional,
        };
        if (hint is not null) block["hint"] = PlainText(hint);
        return block;
    }

    private static JsonObject Choice(Option option)
    {
        var choice = new JsonObject { ["text"] = PlainText(Shorten(option.Text, 75)), ["value"] = option.Value };
        if (option.Description is { Length: > 0 } description) choice["description"] = PlainText(Shorten(description, 75));
        return choice;
    }

    private static string Shorten(string text, int most) => text.Length <= most ? text : text[..(most - 1)] + "…";
}

/// <summary>One option of a select: what it shows, the value a submission carries, and an optional second line.</summary>
internal sealed record Option(string Text, string Value, string? Description = null);
