using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
using CondoBot.Core.Sessions;

namespace CondoBot.Slack.Messages;

/// <summary>
/// What the start form shows: the clusters, the person's last choices on the chosen one, and its partitions once
/// <c>sinfo</c> has answered (null while it is being asked).
/// </summary>
public sealed record StartFormDefaults(IReadOnlyList<string> Clusters, StartChoices Choices)
{
    public PartitionList? Partitions { get; init; }
}

/// <summary>
/// The start form (a Slack modal): cluster, account, partition, walltime, nodes, GPUs, environment (when the cluster
/// has any) and idle setting. A submission is checked field by field with the parser's own rules and becomes the text
/// a person would have typed, so it then takes the typed command's path exactly.
/// </summary>
public static class StartForm
{
    public const string CallbackId = "condo_start";
    public const string DefaultAccount = "_default";

    /// <summary>The value of a select's "the cluster's default" option: the flag is left out.</summary>
    public const string DefaultChoice = "_default";

    internal const string ClusterField = "cluster";
    internal const string AccountField = "account";
    internal const string OtherAccountField = "account_other";
    internal const string PartitionField = "partition";
    internal const string PartitionPickField = "partition_pick";
    internal const string WalltimeField = "walltime";
    internal const string NodesField = "nodes";
    internal const string GpusField = "gpus";
    internal const string EnvironmentField = "environment";
    internal const string IdleField = "idle";

    /// <summary>Slack shows at most 100 options in a select; the form offers fewer recent accounts.</summary>
    private const int MostRecentAccounts = 10;

    public static JsonObject Render(StartFormDefaults d)
    {
        var c = d.Choices;
        var accounts = new List<Option> { new("The cluster's default for you", DefaultAccount) };
        accounts.AddRange(c.RecentAccounts.Take(MostRecentAccounts).Select(a => new Option(a, a)));
        var blocks = new JsonArray
        {
            ClusterSelect(d),
            Inputs.Select(Scoped(AccountField, c), "Account", accounts, c.Account ?? DefaultAccount, $"Your recent accounts on {c.Cluster.Name}; or type another below."),
            Inputs.Text(OtherAccountField, "Another account", null, "a Slurm account name", optional: true),
            PartitionInput(c, d.Partitions),
            Inputs.Text(WalltimeField, "Walltime", c.Walltime.ToSlurm(), "for example 90, 1:30:00 or 1-12", Walltime.AcceptedForms),
            Inputs.Text(NodesField, "Nodes", c.Nodes.ToString(CultureInfo.InvariantCulture), "1 to 64"),
            Inputs.Text(GpusField, "GPUs per node", c.Gpus.ToString(CultureInfo.InvariantCulture), "0 to 16"),
        };
        if (c.Cluster.Environments.Count > 0) blocks.Add(EnvironmentSelect(c));
        blocks.Add(IdleSelect(c));
        return new JsonObject
        {
            ["type"] = "modal",
            ["callback_id"] = CallbackId,
            ["title"] = Inputs.PlainText("Start JupyterLab"),
            ["submit"] = Inputs.PlainText("Start"),
            ["close"] = Inputs.PlainText("Cancel"),
            ["blocks"] = blocks,
        };
    }

    /// <summary>With several clusters, choosing one redraws the form with that cluster's partitions, environments and the person's last choices there.</summary>
    private static JsonObject ClusterSelect(StartFormDefaults d)
    {
        var block = Inputs.Select(ClusterField, "Cluster", [.. d.Clusters.Take(100).Select(n => new Option(n, n))], d.Choices.Cluster.Name);
        if (d.Clusters.Count > 1) block["dispatch_action"] = true;
        return block;
    }

    /// <summary>
    /// A pick list of what <c>sinfo</c> showed (idle nodes and time limit per partition); a typed partition while it
    /// is being asked, or, when it could not be, with the reason.
    /// </summary>
    private static JsonObject PartitionInput(StartChoices c, PartitionList? partitions)
    {
        if (partitions is { Partitions.Count: > 0 } list)
        {
            var fallback = c.Cluster.DefaultPartition.Length > 0 ? c.Cluster.DefaultPartition : list.Partitions.FirstOrDefault(p => p.IsDefault)?.Name;
            var options = new List<Option> { new(fallback is null ? "The cluster's default" : $"The cluster's default ({fallback})", DefaultChoice) };
            options.AddRange(list.Partitions.Take(99).Select(p => new Option(p.Describe(), p.Name)));
            var initial = list.Partitions.FirstOrDefault(p => string.Equals(p.Name, c.Partition, StringComparison.Ordinal))?.Name ?? DefaultChoice;
            return Inputs.Select(Scoped(PartitionPickField, c), "Partition", options, initial, $"Idle nodes and time limits on {c.Cluster.Name} as of now.");
        }

        var hint = partitions?.Unavailable ?? $"Reading the partitions of {c.Cluster.Name}…";
        return Inputs.Text(PartitionField, "Partition", c.Partition, "the cluster's default", Shorten(hint, 2000), optional: true);
    }

    private static JsonObject EnvironmentSelect(StartChoices c)
    {
        var cluster = c.Cluster;
        var fallback = cluster.EnvironmentFor(null) is { Length: > 0 } name ? $"The cluster's default ({name})" : "None: the cluster's own setup";
        var options = new List<Option> { new(fallback, DefaultChoice) };
        options.AddRange(cluster.Environments.OrderBy(e => e.Key, StringComparer.Ordinal).Take(99)
            .Select(e => new Option(e.Key, e.Key, e.Value.Description.Length > 0 ? e.Value.Description : null)));
        return Inputs.Select(Scoped(EnvironmentField, c), "Environment", options, c.Environment ?? DefaultChoice, "What JupyterLab runs with (`envs` describes them).");
    }

    private static JsonObject IdleSelect(StartChoices c)
    {
        var fallback = c.Cluster.IdleAfter is { } after ? $"The cluster's default: ask after {Durations.Describe(after)}" : "The cluster's default: never ask";
        var options = new List<Option> { new(fallback, DefaultChoice) };
        if (c.Cluster.IdleAfter is not null) options.Add(new("Off: never ask", "off"));
        options.AddRange(IdleChoices.With(c.Idle).Select(t => new Option($"Ask after {Durations.Describe(t)} idle", IdleChoices.Flag(t))));
        var initial = c.Idle switch
        {
            null => DefaultChoice,
            { } off when off == TimeSpan.Zero => c.Cluster.IdleAfter is null ? DefaultChoice : "off",
            { } t => IdleChoices.Flag(t),
        };
        return Inputs.Select(Scoped(IdleField, c), "When JupyterLab sits idle", options, initial, "How long it may sit idle (no activity, no busy kernel) before you are asked whether to stop it.");
    }

    /// <summary>
    /// The block id of a select whose options depend on the cluster (<c>account.NAME</c>): Slack keeps what was
    /// chosen in a block across <c>views.update</c> when its id stays the same, so another cluster's selects get ids
    /// of their own, while typed fields keep what the person typed.
    /// </summary>
    private static string Scoped(string field, StartChoices c) => field + "." + c.Cluster.Name;

    private static string Shorten(string text, int most) => text.Length <= most ? text : text[..(most - 1)] + "…";

    /// <summary>The modal that replaces the form once it was accepted: the same answer the typed command gets.</summary>
    public static JsonObject Answer(string reply) => new()
    {
        ["type"] = "modal",
        ["title"] = Inputs.PlainText("Start JupyterLab"),
        ["close"] = Inputs.PlainText("Close"),
        ["blocks"] = new JsonArray([.. Block.Sections(Mrkdwn.Escape(reply))]),
    };

    /// <summary>The cluster a form's values name, when it is one of the configured ones.</summary>
    public static string? ClusterOf(JsonElement values) => Selected(values, ClusterField);

    /// <summary>
    /// The command text the submitted form stands for, or the message for each field that is wrong (keyed by its
    /// block id, as <c>response_action: errors</c> takes them).
    /// </summary>
    public static (string? Text, Dictionary<string, string> Errors) Read(JsonElement values, ClusterCatalog clusters)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var words = new List<string> { "start" };

        void Add(string field, string flag, string? value)
        {
            value = value?.Trim();
            if (string.IsNullOrEmpty(value) || value == DefaultChoice) return;
            if (value.Any(char.IsWhiteSpace))
            {
                errors[field] = "One word only: no spaces.";
                return;
            }

            var parsed = CommandParser.Parse($"start {flag} {value}");
            if (parsed.Command is null) errors[field] = parsed.Error!.Replace("`", "", StringComparison.Ordinal);
            else words.AddRange([flag, value]);
        }

        var clusterName = Selected(values, ClusterField);
        var cluster = clusterName is null ? null : clusters.Find(clusterName);
        if (clusterName is not null && cluster is null) errors[ClusterField] = $"There is no cluster {clusterName}; choose one of {string.Join(", ", clusters.All.Select(p => p.Name))}.";
        var account = Selected(values, AccountField);
        var other = Typed(values, OtherAccountField);
        Add(ClusterField, "--cluster", cluster?.Name);
        Add(string.IsNullOrWhiteSpace(other) ? BlockOf(values, AccountField) : OtherAccountField, "-A", string.IsNullOrWhiteSpace(other) ? account : other);
        if (Selected(values, PartitionPickField) is { } picked) Add(BlockOf(values, PartitionPickField), "--partition", picked);
        else Add(PartitionField, "--partition", Typed(values, PartitionField));
        Require(WalltimeField, "-t", Typed(values, WalltimeField), "a walltime");
        Require(NodesField, "-n", Typed(values, NodesField), "a node count");
        Add(GpusField, "--gpus", Typed(values, GpusField));
        var environment = Selected(values, EnvironmentField);
        if (environment is not null && environment != DefaultChoice && cluster is not null && cluster.EnvironmentFor(environment) is null)
        {
            errors[BlockOf(values, EnvironmentField)] = cluster.Environments.Count == 0
                ? $"{cluster.Name} has no environments to choose from."
                : $"{cluster.Name} has no environment {environment}; choose one of {string.Join(", ", cluster.Environments.Keys.Order(StringComparer.Ordinal))}.";
        }
        else
        {
            Add(BlockOf(values, EnvironmentField), "--env", environment);
        }

        Add(BlockOf(values, IdleField), "--idle", Selected(values, IdleField));
        return errors.Count > 0 ? (null, errors) : (string.Join(' ', words), errors);

        void Require(string field, string flag, string? value, string what)
        {
            if (string.IsNullOrWhiteSpace(value)) errors[field] = $"Give {what}.";
            else Add(field, flag, value);
        }
    }

    private static string? Typed(JsonElement values, string field) => values.Child(field).Child(field).Text("value");

    /// <summary>A select's chosen value, in its block of this name (or, for a cluster's own select, <c>NAME.CLUSTER</c>).</summary>
    private static string? Selected(JsonElement values, string field)
    {
        var block = BlockOf(values, field);
        return values.Child(block).Child(block).Child("selected_option").Text("value");
    }

    /// <summary>The id of the submitted block for a field: the field itself, or the cluster's own block of it.</summary>
    private static string BlockOf(JsonElement values, string field)
    {
        if (values.ValueKind != JsonValueKind.Object) return field;
        foreach (var block in values.EnumerateObject())
        {
            if (block.Name == field || block.Name.StartsWith(field + ".", StringComparison.Ordinal)) return block.Name;
        }

        return field;
    }
}
