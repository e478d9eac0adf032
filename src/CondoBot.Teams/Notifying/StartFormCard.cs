using System.Text.Json.Nodes;
using CondoBot.Core.Clusters;
using CondoBot.Teams.Activities;

namespace CondoBot.Teams.Notifying;

/// <summary>
/// The start form as an Adaptive Card: a choice of cluster, the other flags of <c>start</c> as text inputs, and a Start
/// button (Action.Submit) whose data marks the submission as the form's. Shown again with a message under each field
/// that was not accepted, keeping what was entered.
/// </summary>
public static class StartFormCard
{
    public static JsonObject Activity(IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, string> errors, ClusterCatalog clusters) => new()
    {
        ["type"] = "message",
        ["summary"] = errors.Count == 0 ? "Start JupyterLab: choose the settings" : "Start JupyterLab: some fields need fixing",
        ["attachments"] = new JsonArray(new JsonObject
        {
            ["contentType"] = SessionCard.ContentType,
            ["content"] = Card(values, errors, clusters),
        }),
    };

    public static JsonObject Card(IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, string> errors, ClusterCatalog clusters)
    {
        var body = new JsonArray
        {
            Text("Start JupyterLab", bold: true),
            Text("Empty fields take the cluster's defaults. This is the same as typing `start` with its flags; `help` lists them."),
        };
        if (errors.Count > 0) body.Add(Text("Nothing was started: fix the fields marked below and press Start again.", attention: true));

        foreach (var field in StartForm.Fields)
        {
            var value = values.GetValueOrDefault(field.Id) ?? "";
            body.Add(field.Id == "cluster" ? ClusterChoice(field, value, clusters) : TextInput(field, value));
            if (errors.GetValueOrDefault(field.Id) is { } error) body.Add(Text(error, attention: true));
        }

        body.Add(new JsonObject
        {
            ["type"] = "Input.Toggle",
            ["id"] = StartForm.KeepAliveId,
            ["title"] = "Keep alive: queue a follow-on session that starts when this one ends",
            ["value"] = values.GetValueOrDefault(StartForm.KeepAliveId) == "true" ? "true" : "false",
            ["valueOn"] = "true",
            ["valueOff"] = "false",
        });

        return new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.4",
            ["body"] = body,
            ["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Action.Submit",
                ["title"] = "Start",
                // Teams merges the inputs' values into this object and sends it back as the activity's value.
                ["data"] = new JsonObject { ["command"] = StartForm.SubmitVerb },
            }),
        };
    }

    /// <summary>What a submitted form is replaced with: the command it sent, and no button to press again.</summary>
    public static JsonObject Sent(string commandText) => new()
    {
        ["type"] = "message",
        ["summary"] = "Start JupyterLab: sent",
        ["attachments"] = new JsonArray(new JsonObject
        {
            ["contentType"] = SessionCard.ContentType,
            ["content"] = new JsonObject
            {
                ["type"] = "AdaptiveCard",
                ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                ["version"] = "1.4",
                ["body"] = new JsonArray(Text("Start JupyterLab", bold: true), Text("Sent: " + commandText), Text("Type `start` for a new form.")),
            },
        }),
    };

    private static JsonObject ClusterChoice(StartForm.Field field, string value, ClusterCatalog clusters) => new()
    {
        ["type"] = "Input.ChoiceSet",
        ["id"] = field.Id,
        ["label"] = field.Label,
        ["style"] = "compact",
        ["isRequired"] = true,
        ["value"] = clusters.Find(value)?.Name ?? clusters.Default.Name,
        ["choices"] = new JsonArray([.. clusters.All.Select(c => (JsonNode)new JsonObject { ["title"] = c.Name, ["value"] = c.Name })]),
    };

    private static JsonObject TextInput(StartForm.Field field, string value) => new()
    {
        ["type"] = "Input.Text",
        ["id"] = field.Id,
        ["label"] = field.Label,
        ["value"] = value,
        ["placeholder"] = Placeholder(field.Id),
        ["maxLength"] = 64,
    };

    private static string Placeholder(string id) => id switch
    {
        "account" => "the cluster's default account",
        "partition" => "the cluster's default partition",
        "walltime" => "for example 90, 1:30:00 or 1-12 (default 30 minutes)",
        "nodes" => "1 to 64 (default 1)",
        "gpus" => "0 to 16 (default none)",
        _ => "",
    };

    /// <summary>A TextRun, shown verbatim: TextBlock markdown would eat the underscores of an echoed account name.</summary>
    private static JsonObject Text(string text, bool bold = false, bool attention = false)
    {
        var run = new JsonObject { ["type"] = "TextRun", ["text"] = text };
        if (bold)
        {
            run["weight"] = "Bolder";
            run["size"] = "Medium";
        }

        if (attention) run["color"] = "Attention";
        return new JsonObject { ["type"] = "RichTextBlock", ["inlines"] = new JsonArray(run) };
    }
}
