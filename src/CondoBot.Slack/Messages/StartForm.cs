using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CondoBot.Core.Commands;

namespace CondoBot.Slack.Messages;

/// <summary>What the start form shows at first: the clusters, and the person's last choices and recent accounts.</summary>
public sealed record StartFormDefaults(
    IReadOnlyList<string> Clusters,
    string Cluster,
    IReadOnlyList<string> RecentAccounts,
    string? Account,
    string? Partition,
    Walltime Walltime,
    int Nodes,
    int Gpus)
{
    /// <summary>The cluster's partitions with idle nodes, once <c>sinfo</c> has answered (empty until then).</summary>
    public IReadOnlyList<Core.Clusters.IdlePartition> IdlePartitions { get; init; } = [];
}

/// <summary>
/// The start form (a Slack modal): cluster, account, partition, walltime, nodes and GPUs. A submission is checked
/// field by field with the parser's own rules and becomes the text a person would have typed, so it then takes the
/// typed command's path exactly.
/// </summary>
public static class StartForm
{
    public const string CallbackId = "condo_start";
    public const string DefaultAccount = "_default";

    internal const string ClusterField = "cluster";
    internal const string AccountField = "account";
    internal const string OtherAccountField = "account_other";
    internal const string PartitionField = "partition";
    internal const string WalltimeField = "walltime";
    internal const string NodesField = "nodes";
    internal const string GpusField = "gpus";

    /// <summary>Slack shows at most this many options in a select; the form offers fewer recent accounts.</summary>
    private const int MostRecentAccounts = 10;

    public static JsonObject Render(StartFormDefaults d)
    {
        var accounts = new List<(string, string)> { ("The cluster's default for you", DefaultAccount) };
        accounts.AddRange(d.RecentAccounts.Take(MostRecentAccounts).Select(a => (a, a)));
        var blocks = new JsonArray
        {
            Inputs.Select(ClusterField, "Cluster", [.. d.Clusters.Take(100).Select(c => (c, c))], d.Cluster),
            Inputs.Select(AccountField, "Account", accounts, d.Account ?? DefaultAccount, "Your recent accounts; or type another below."),
            Inputs.Text(OtherAccountField, "Another account", null, "a Slurm account name", optional: true),
            Inputs.Text(PartitionField, "Partition", d.Partition, "the cluster's default", PartitionHint(d.IdlePartitions), optional: true),
            Inputs.Text(WalltimeField, "Walltime", d.Walltime.ToSlurm(), "for example 90, 1:30:00 or 1-12", Walltime.AcceptedForms),
            Inputs.Text(NodesField, "Nodes", d.Nodes.ToString(CultureInfo.InvariantCulture), "1 to 64"),
            Inputs.Text(GpusField, "GPUs per node", d.Gpus.ToString(CultureInfo.InvariantCulture), "0 to 16"),
        };
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

    /// <summary>What <c>sinfo</c> said, as the partition field's hint: idle nodes and time limit per partition.</summary>
    private static string? PartitionHint(IReadOnlyList<Core.Clusters.IdlePartition> idle)
    {
        if (idle.Count == 0) return null;
        var parts = idle.Take(20).Select(p =>
            $"{p.Name} ({p.IdleNodes} idle node{(p.IdleNodes == 1 ? "" : "s")}{(p.MaxTime is { } max ? ", up to " + Core.Durations.Describe(max) : "")})");
        var hint = "Idle now: " + string.Join(", ", parts) + ".";
        return hint.Length <= 2000 ? hint : hint[..1999] + "…";
    }

    /// <summary>The modal that replaces the form once it was accepted: the same answer the typed command gets.</summary>
    public static JsonObject Answer(string reply) => new()
    {
        ["type"] = "modal",
        ["title"] = Inputs.PlainText("Start JupyterLab"),
        ["close"] = Inputs.PlainText("Close"),
        ["blocks"] = new JsonArray([.. Block.Sections(Mrkdwn.Escape(reply))]),
    };

    /// <summary>
    /// The command text the submitted form stands for, or the message for each field that is wrong (keyed by its
    /// block id, as <c>response_action: errors</c> takes them).
    /// </summary>
    public static (string? Text, Dictionary<string, string> Errors) Read(JsonElement values)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var words = new List<string> { "start" };

        void Add(string field, string flag, string? value)
        {
            value = value?.Trim();
            if (string.IsNullOrEmpty(value)) return;
            if (value.Any(char.IsWhiteSpace))
            {
                errors[field] = "One word only: no spaces.";
                return;
            }

            var parsed = CommandParser.Parse($"start {flag} {value}");
            if (parsed.Command is null) errors[field] = parsed.Error!.Replace("`", "", StringComparison.Ordinal);
            else words.AddRange([flag, value]);
        }

        var account = Selected(values, AccountField);
        var other = Typed(values, OtherAccountField);
        Add(ClusterField, "--cluster", Selected(values, ClusterField));
        Add(string.IsNullOrWhiteSpace(other) ? AccountField : OtherAccountField, "-A", string.IsNullOrWhiteSpace(other) ? (account == DefaultAccount ? null : account) : other);
        Add(PartitionField, "--partition", Typed(values, PartitionField));
        Require(WalltimeField, "-t", Typed(values, WalltimeField), "a walltime");
        Require(NodesField, "-n", Typed(values, NodesField), "a node count");
        Add(GpusField, "--gpus", Typed(values, GpusField));
        return errors.Count > 0 ? (null, errors) : (string.Join(' ', words), errors);

        void Require(string field, string flag, string? value, string what)
        {
            if (string.IsNullOrWhiteSpace(value)) errors[field] = $"Give {what}.";
            else Add(field, flag, value);
        }
    }

    private static string? Typed(JsonElement values, string field) => values.Child(field).Child(field).Text("value");

    private static string? Selected(JsonElement values, string field) => values.Child(field).Child(field).Child("selected_option").Text("value");
}
