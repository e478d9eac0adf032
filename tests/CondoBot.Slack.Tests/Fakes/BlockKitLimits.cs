using System.Text.Json;
using System.Text.Json.Nodes;

namespace CondoBot.Slack.Tests.Fakes;

/// <summary>
/// Slack's published Block Kit limits (api.slack.com/reference/block-kit), written here independently of the bot's
/// code: a view or message past any of them is refused by Slack with <c>invalid_blocks</c>, so the fake refuses it too.
/// </summary>
public static class BlockKitLimits
{
    public static IEnumerable<string> OfView(JsonNode? view)
    {
        if (view is not JsonObject v) { yield return "view is not an object"; yield break; }
        var type = v["type"]?.GetValue<string>();
        if (type is not ("modal" or "home")) yield return $"view type '{type}'";
        if (type == "modal")
        {
            foreach (var p in Text(v["title"], "title", 24, required: true)) yield return p;
            foreach (var p in Text(v["submit"], "submit", 24)) yield return p;
            foreach (var p in Text(v["close"], "close", 24)) yield return p;
            if (v["blocks"] is JsonArray b && b.Any(x => x?["type"]?.GetValue<string>() == "input") && v["submit"] is null)
            {
                yield return "a modal with input blocks needs submit";
            }
        }

        foreach (var p in Length(v["callback_id"], "callback_id", 255)) yield return p;
        foreach (var p in Length(v["private_metadata"], "private_metadata", 3000)) yield return p;
        foreach (var p in Length(v["external_id"], "external_id", 255)) yield return p;
        foreach (var p in OfBlocks(v["blocks"], 100)) yield return p;
    }

    public static IEnumerable<string> OfBlocks(JsonNode? blocks, int most)
    {
        if (blocks is null) yield break;
        if (blocks is not JsonArray array) { yield return "blocks is not an array"; yield break; }
        if (array.Count > most) yield return $"{array.Count} blocks, most {most}";
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var block in array.OfType<JsonObject>())
        {
            if (block["block_id"]?.GetValue<string>() is { } id)
            {
                if (id.Length > 255) yield return $"block_id {id} too long";
                if (!ids.Add(id)) yield return $"block_id {id} twice";
            }

            foreach (var p in OfBlock(block)) yield return p;
        }
    }

    private static IEnumerable<string> OfBlock(JsonObject block)
    {
        switch (block["type"]?.GetValue<string>())
        {
            case "section":
                foreach (var p in Text(block["text"], "section text", 3000, required: block["fields"] is null)) yield return p;
                break;
            case "header":
                foreach (var p in Text(block["text"], "header", 150, required: true)) yield return p;
                break;
            case "context":
                if (block["elements"] is not JsonArray { Count: > 0 and <= 10 }) yield return "context needs 1 to 10 elements";
                break;
            case "divider":
                break;
            case "actions":
                if (block["elements"] is not JsonArray { Count: > 0 and <= 25 } elements) { yield return "actions needs 1 to 25 elements"; break; }
                foreach (var e in elements.OfType<JsonObject>()) foreach (var p in OfElement(e)) yield return p;
                break;
            case "input":
                foreach (var p in Text(block["label"], "input label", 2000, required: true)) yield return p;
                foreach (var p in Text(block["hint"], "input hint", 2000)) yield return p;
                if (block["element"] is not JsonObject element) { yield return "input without element"; break; }
                foreach (var p in OfElement(element)) yield return p;
                break;
            default:
                yield return $"block type '{block["type"]}' not used by the bot";
                break;
        }
    }

    private static IEnumerable<string> OfElement(JsonObject e)
    {
        foreach (var p in Length(e["action_id"], "action_id", 255)) yield return p;
        foreach (var p in Text(e["placeholder"], "placeholder", 150)) yield return p;
        switch (e["type"]?.GetValue<string>())
        {
            case "button":
                foreach (var p in Text(e["text"], "button text", 75, required: true)) yield return p;
                foreach (var p in Length(e["value"], "button value", 2000)) yield return p;
                if (e["style"]?.GetValue<string>() is { } style && style is not ("primary" or "danger")) yield return $"button style {style}";
                break;
            case "static_select":
                if (e["options"] is not JsonArray { Count: > 0 and <= 100 } options) { yield return "static_select needs 1 to 100 options"; break; }
                foreach (var o in options.OfType<JsonObject>())
                {
                    foreach (var p in Text(o["text"], "option text", 75, required: true)) yield return p;
                    foreach (var p in Length(o["value"], "option value", 150)) yield return p;
                    foreach (var p in Text(o["description"], "option description", 75)) yield return p;
                }

                if (e["initial_option"] is JsonObject initial && !options.Any(o => JsonNode.DeepEquals(o, initial)))
                {
                    yield return "initial_option is not one of the options";
                }

                break;
            case "plain_text_input":
                foreach (var p in Length(e["initial_value"], "initial_value", 3000)) yield return p;
                break;
            default:
                yield return $"element type '{e["type"]}' not used by the bot";
                break;
        }
    }

    private static IEnumerable<string> Text(JsonNode? node, string what, int most, bool required = false)
    {
        if (node is null) { if (required) yield return what + " missing"; yield break; }
        var type = node["type"]?.GetValue<string>();
        if (type is not ("plain_text" or "mrkdwn")) yield return $"{what} is not a text object";
        var text = node["text"]?.GetValue<string>() ?? "";
        if (text.Length is 0) yield return what + " is empty";
        if (text.Length > most) yield return $"{what} is {text.Length} characters, most {most}";
    }

    private static IEnumerable<string> Length(JsonNode? node, string what, int most)
    {
        if (node is null) yield break;
        if (node.GetValueKind() != JsonValueKind.String) { yield return what + " is not a string"; yield break; }
        var text = node.GetValue<string>();
        if (text.Length > most) yield return $"{what} is {text.Length} characters, most {most}";
    }
}
