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

    public static JsonObject Select(string blockId, string label, IReadOnlyList<(string Text, string Value)> options, string? initial, string? hint = null)
    {
        var choices = new JsonArray([.. options.Select(Option)]);
        var element = new JsonObject
        {
            ["type"] = "static_select",
            ["action_id"] = blockId,
            ["options"] = choices,
        };
        var chosen = options.FirstOrDefault(o => o.Value == initial);
        element["initial_option"] = Option(chosen.Value is null ? options[0] : chosen);
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

    private static JsonObject Option((string Text, string Value) option) => new()
    {
        ["text"] = PlainText(option.Text.Length <= 75 ? option.Text : option.Text[..74] + "…"),
        ["value"] = option.Value,
    };
}
