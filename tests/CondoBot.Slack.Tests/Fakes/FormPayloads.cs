using System.Text.Json.Nodes;

namespace CondoBot.Slack.Tests.Fakes;

/// <summary>The payloads Slack sends from an open modal: its submission, and the action of a select that dispatches one.</summary>
public static class FormPayloads
{
    /// <summary>
    /// A view_submission payload of Slack's shape, with the form's fields as the person left them: by block id, a
    /// typed value or a select's option value (an option the form does not offer stands for a forged payload).
    /// </summary>
    public static JsonObject Submission(JsonObject view, string user, string trigger, Dictionary<string, string?> typed)
    {
        var submitted = WithState(view, typed);
        return new JsonObject
        {
            ["type"] = "view_submission",
            ["team"] = new JsonObject { ["id"] = SignedRequests.Team, ["domain"] = "condo" },
            ["user"] = User(user),
            ["api_app_id"] = "A0CONDO",
            ["token"] = "deprecated-verification-token",
            ["trigger_id"] = trigger,
            ["view"] = submitted,
            ["response_urls"] = new JsonArray(),
            ["is_enterprise_install"] = false,
        };
    }

    /// <summary>A block_actions payload for choosing <paramref name="value"/> in the select of block <paramref name="blockId"/> of an open modal.</summary>
    public static JsonObject SelectAction(JsonObject view, string user, string trigger, string blockId, string value)
    {
        var submitted = WithState(view, new() { [blockId] = value });
        var chosen = submitted["state"]!["values"]![blockId]!.AsObject().Single().Value!["selected_option"]!.DeepClone();
        return new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = SignedRequests.Team, ["domain"] = "condo" },
            ["user"] = User(user),
            ["api_app_id"] = "A0CONDO",
            ["token"] = "deprecated-verification-token",
            ["container"] = new JsonObject { ["type"] = "view", ["view_id"] = submitted["id"]!.GetValue<string>() },
            ["trigger_id"] = trigger,
            ["view"] = submitted,
            ["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "static_select",
                ["action_id"] = blockId,
                ["block_id"] = blockId,
                ["selected_option"] = chosen,
                ["action_ts"] = "1700000001.000200",
            }),
            ["is_enterprise_install"] = false,
        };
    }

    private static JsonObject User(string user) =>
        new() { ["id"] = user, ["username"] = user.ToLowerInvariant(), ["name"] = user.ToLowerInvariant(), ["team_id"] = SignedRequests.Team };

    private static JsonObject WithState(JsonObject view, Dictionary<string, string?> typed)
    {
        var values = new JsonObject();
        foreach (var block in view["blocks"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "input"))
        {
            var id = block!["block_id"]!.GetValue<string>();
            var element = block["element"]!;
            var actionId = element["action_id"]!.GetValue<string>();
            JsonObject state;
            if (element["type"]!.GetValue<string>() == "static_select")
            {
                var chosen = typed.TryGetValue(id, out var value)
                    ? element["options"]!.AsArray().SingleOrDefault(o => o!["value"]!.GetValue<string>() == value)?.DeepClone()
                        ?? new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = value }, ["value"] = value }
                    : element["initial_option"]!.DeepClone();
                state = new JsonObject { ["type"] = "static_select", ["selected_option"] = chosen };
            }
            else
            {
                var text = typed.TryGetValue(id, out var value) ? value : element["initial_value"]?.GetValue<string>();
                state = new JsonObject { ["type"] = "plain_text_input", ["value"] = text };
            }

            values[id] = new JsonObject { [actionId] = state };
        }

        var submitted = view.DeepClone().AsObject();
        submitted["id"] ??= "V0FORM" + Random.Shared.Next(1000, 9999);
        submitted["team_id"] = SignedRequests.Team;
        submitted["state"] = new JsonObject { ["values"] = values };
        submitted["hash"] ??= "1700000000.abcdef";
        submitted["private_metadata"] ??= "";
        return submitted;
    }
}
