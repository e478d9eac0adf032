using System.Text.Json.Nodes;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Sessions;
using CondoBot.Teams.Activities;

namespace CondoBot.Teams.Notifying;

/// <summary>
/// The start form as an Adaptive Card: choices (Input.ChoiceSet) of cluster, partition (what <c>sinfo</c> showed, with
/// idle nodes and time limits; typed when it could not be read, with the reason), environment (when the cluster has
/// any) and idle setting, the other flags of <c>start</c> as text inputs, and a Start button (Action.Submit) whose data
/// marks the submission as the form's. Shown again with a message under each field that was not accepted, keeping
/// what was entered.
/// </summary>
public static class StartFormCard
{
    public static JsonObject Activity(IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, string> errors, ClusterCatalog clusters, PartitionList partitions) => new()
    {
        ["type"] = "message",
        ["summary"] = errors.Count == 0 ? "Start JupyterLab: choose the settings" : "Start JupyterLab: some fields need fixing",
        ["attachments"] = new JsonArray(new JsonObject
        {
            ["contentType"] = SessionCard.ContentType,
            ["content"] = Card(values, errors, clusters, partitions),
        }),
    };

    public static JsonObject Card(IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, string> errors, ClusterCatalog clusters, PartitionList partitions)
    {
        var cluster = clusters.Find(values.GetValueOrDefault("cluster") ?? "") ?? clusters.Default;
        var body = new JsonArray
        {
            Text("Start JupyterLab", bold: true),
            Text("Empty fields take the cluster's defaults. This is the same as typing `start` with its flags; `help` lists them."),
        };
        if (errors.Count > 0) body.Add(Text("Nothing was started: fix the fields marked below and press Start again.", attention: true));

        foreach (var field in StartForm.Fields)
        {
            var value = values.GetValueOrDefault(field.Id) ?? "";
            switch (field.Id)
            {
                case "cluster":
                    body.Add(ClusterChoice(field, value, clusters));
                    break;
                case "partition" when partitions.Partitions.Count > 0:
                    body.Add(PartitionChoice(field, value, cluster, partitions.Partitions));
                    break;
                case "partition":
                    body.Add(TextInput(field, value == StartForm.DefaultChoice ? "" : value));
                    if (partitions.Unavailable is { } why) body.Add(Text(why));
                    break;
                case "environment" when cluster.Environments.Count == 0:
                    continue;
                case "environment":
                    body.Add(EnvironmentChoice(field, value, cluster));
                    break;
                case "idle":
                    body.Add(IdleChoice(field, value, cluster));
                    break;
                default:
                    body.Add(TextInput(field, value));
                    break;
            }


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

    /// <summary>The partitions sinfo showed, each with its idle nodes and time limit, after the cluster's default.</summary>
    private static JsonObject PartitionChoice(StartForm.Field field, string value, ClusterProfile cluster, IReadOnlyList<ClusterPartition> partitions)
    {
        var fallback = cluster.DefaultPartition.Length > 0 ? cluster.DefaultPartition : partitions.FirstOrDefault(p => p.IsDefault)?.Name;
        var choices = new List<(string, string)> { (fallback is null ? "The cluster's default" : $"The cluster's default ({fallback})", StartForm.DefaultChoice) };
        choices.AddRange(partitions.Select(p => (p.Describe(), p.Name)));
        return Choice(field, choices, partitions.Any(p => p.Name == value) ? value : StartForm.DefaultChoice);
    }

    private static JsonObject EnvironmentChoice(StartForm.Field field, string value, ClusterProfile cluster)
    {
        var fallback = cluster.EnvironmentFor(null) is { Length: > 0 } name ? $"The cluster's default ({name})" : "None: the cluster's own setup";
        var choices = new List<(string, string)> { (fallback, StartForm.DefaultChoice) };
        choices.AddRange(cluster.Environments.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => (e.Value.Description.Length > 0 ? $"{e.Key} — {e.Value.Description}" : e.Key, e.Key)));
        return Choice(field, choices, cluster.EnvironmentFor(value) ?? StartForm.DefaultChoice);
    }

    private static JsonObject IdleChoice(StartForm.Field field, string value, ClusterProfile cluster)
    {
        var choices = new List<(string, string)>
        {
            (cluster.IdleAfter is { } after ? $"The cluster's default: ask after {Durations.Describe(after)}" : "The cluster's default: never ask", StartForm.DefaultChoice),
        };
        if (cluster.IdleAfter is not null) choices.Add(("Off: never ask", "off"));
        var chosen = IdleDuration.Parse(value);
        choices.AddRange(IdleChoices.With(chosen).Select(t => ($"Ask after {Durations.Describe(t)} idle", IdleChoices.Flag(t))));
        var initial = chosen is { } t ? IdleChoices.Flag(t) : value == "off" && cluster.IdleAfter is not null ? "off" : StartForm.DefaultChoice;
        return Choice(field, choices, initial);
    }

    private static JsonObject Choice(StartForm.Field field, IReadOnlyList<(string Title, string Value)> choices, string value) => new()
    {
        ["type"] = "Input.ChoiceSet",
        ["id"] = field.Id,
        ["label"] = field.Label,
        ["style"] = "compact",
        ["isRequired"] = true,
        ["value"] = value,
        ["choices"] = new JsonArray([.. choices.Select(c => (JsonNode)new JsonObject { ["title"] = c.Title, ["value"] = c.Value })]),
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
