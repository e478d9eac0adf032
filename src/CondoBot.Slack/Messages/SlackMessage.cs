using System.Text.Json.Nodes;

namespace CondoBot.Slack.Messages;

/// <summary>
/// A message as Slack takes it: Block Kit blocks, and the plain <c>text</c> that notifications, screen readers and
/// clients without blocks show instead. Both are always sent; <c>text</c> never carries a JupyterLab token (push
/// notifications and lock screens show it), only the blocks do.
/// </summary>
public sealed record SlackMessage(string Text, JsonArray Blocks)
{
    /// <summary>Plain text only, as one section.</summary>
    public static SlackMessage Plain(string text) => new(Mrkdwn.Escape(text), new JsonArray([.. Block.Sections(Mrkdwn.Escape(text))]));

    /// <summary>Adds <c>text</c> and <c>blocks</c> to a Web API request body (a copy each time: nodes have one parent).</summary>
    public JsonObject Into(JsonObject body)
    {
        body["text"] = Text;
        body["blocks"] = Blocks.DeepClone();
        return body;
    }

    /// <summary>The body of an ephemeral slash-command answer.</summary>
    public JsonObject Ephemeral() => Into(new JsonObject { ["response_type"] = "ephemeral" });
}
