using System.Text.Json;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;

namespace CondoBot.Teams.Activities;

/// <summary>
/// The start form's fields, and what a submitted form means: the very <c>start</c> command a person would type with
/// those flags, or a message per field saying what was wrong and what is accepted. Each value is checked by the core's
/// own parser, so the form accepts exactly what the typed command accepts.
/// </summary>
public static class StartForm
{
    /// <summary>The data the form's Start button submits alongside the inputs; changing it orphans forms already sent.</summary>
    public const string SubmitVerb = "startForm";

    public const string KeepAliveId = "keepAlive";

    /// <summary>The value of a choice that stands for the cluster's default: the flag is left out.</summary>
    public const string DefaultChoice = "_default";

    /// <summary>The form's fields in order: the input's id, its label, and the flag of <c>start</c> it stands for.</summary>
    public static readonly IReadOnlyList<Field> Fields =
    [
        new("cluster", "Cluster", "--cluster"),
        new("account", "Account", "-A"),
        new("partition", "Partition", "--partition"),
        new("walltime", "Walltime", "-t"),
        new("nodes", "Nodes", "-n"),
        new("gpus", "GPUs per node", "--gpus"),
        new("environment", "Environment", "--env"),
        new("idle", "When JupyterLab sits idle", "--idle"),
    ];

    /// <summary>True for <c>start</c> with nothing after it, which the 1:1 chat answers with the form.</summary>
    public static bool IsBareStart(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var first = words.Length > 0 && string.Equals(words[0], "/condo", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        return words.Length == first + 1 && string.Equals(words[first], "start", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when a card's submitted data comes from the start form.</summary>
    public static bool IsSubmission(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.Object } data
        && data.TryGetProperty("command", out var command) && command.ValueKind == JsonValueKind.String
        && command.GetString() == SubmitVerb;

    public static Submission Read(JsonElement value, ClusterCatalog clusters)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var words = new List<string> { "start" };
        foreach (var field in Fields)
        {
            var text = Input(value, field.Id);
            values[field.Id] = text;
            if (text.Length == 0 || text == DefaultChoice) continue;
            if (Check(field, text, clusters) is { } error)
            {
                errors[field.Id] = $"{field.Label}: {error}";
                continue;
            }

            words.Add(field.Flag);
            words.Add(text);
        }

        var cluster = clusters.Find(values["cluster"]) ?? clusters.Default;
        var environment = values["environment"];
        if (environment.Length > 0 && environment != DefaultChoice && !errors.ContainsKey("environment") && cluster.EnvironmentFor(environment) is null)
        {
            errors["environment"] = cluster.Environments.Count == 0
                ? $"Environment: {cluster.Name} has no environments to choose from; leave it at the default."
                : $"Environment: {cluster.Name} has no environment `{Shorten(environment)}`; choose one of {string.Join(", ", cluster.Environments.Keys.Order(StringComparer.Ordinal))}.";
        }

        var keepAlive = string.Equals(Input(value, KeepAliveId), "true", StringComparison.OrdinalIgnoreCase);
        values[KeepAliveId] = keepAlive ? "true" : "false";
        if (keepAlive) words.Add("--keep-alive");
        return new Submission(errors.Count == 0 ? string.Join(' ', words) : null, values, errors);
    }

    /// <summary>What is wrong with one field's value, in the parser's words; null when <c>start FLAG VALUE</c> parses.</summary>
    private static string? Check(Field field, string text, ClusterCatalog clusters)
    {
        if (text.Any(char.IsWhiteSpace)) return $"`{Shorten(text)}` has a space in it; enter one value, or leave the field empty for the default.";
        var parsed = CommandParser.Parse($"start {field.Flag} {text}");
        if (parsed.Command is null) return parsed.Error;
        if (field.Flag == "--cluster" && clusters.Find(text) is null)
        {
            return $"there is no cluster named `{Shorten(text)}`; choose one of {string.Join(", ", clusters.All.Select(c => c.Name))}.";
        }

        return null;
    }

    /// <summary>An input's value as Teams submits it (a string; a number from clients that send one), trimmed.</summary>
    private static string Input(JsonElement value, string id) =>
        value.TryGetProperty(id, out var input) ? input.ValueKind switch
        {
            JsonValueKind.String => input.GetString()!.Trim(),
            JsonValueKind.Number => input.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => "",
        } : "";

    private static string Shorten(string text)
    {
        var clean = text.Replace('`', '\'');
        return clean.Length <= 40 ? clean : string.Concat(clean.AsSpan(0, 40), "…");
    }

    public sealed record Field(string Id, string Label, string Flag);

    /// <summary>
    /// A read form: <see cref="CommandText"/> when every field was acceptable, otherwise <see cref="Errors"/> by field
    /// id. <see cref="Values"/> holds what was entered, to show the form again without retyping.
    /// </summary>
    public sealed record Submission(string? CommandText, IReadOnlyDictionary<string, string> Values, IReadOnlyDictionary<string, string> Errors);
}
