using System.Text.Json.Nodes;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Sessions;
using CondoBot.Slack.Messages;
using CondoBot.Slack.WebApi;
using Microsoft.Extensions.Logging;

namespace CondoBot.Slack.Inbound;

/// <summary>
/// <c>/condo</c> or <c>/condo start</c> without flags opens the start form; its submission is checked field by field
/// and then run as the <c>/condo start ...</c> it stands for, through the slash command's own handler.
/// </summary>
internal sealed partial class StartFormHandler(
    SlackApi api,
    LastChoices choices,
    ClusterCatalog clusters,
    PartitionChoices partitions,
    ILogger<StartFormHandler> logger)
{
    /// <summary>How long the form waits for sinfo before it says the cluster did not answer.</summary>
    private static readonly TimeSpan PartitionWait = TimeSpan.FromSeconds(15);

    /// <summary>True for the texts that open the form rather than run a command: nothing, or <c>start</c> alone.</summary>
    public static bool Opens(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var rest = words.Length > 0 && string.Equals(words[0], "/condo", StringComparison.OrdinalIgnoreCase) ? words[1..] : words;
        return rest.Length == 0 || (rest.Length == 1 && string.Equals(rest[0], "start", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Opens the form with the person's last choices; answers whether Slack showed it.</summary>
    public async Task<bool> OpenAsync(ChatUserId user, string triggerId, CancellationToken cancellationToken)
    {
        // The trigger id lasts 3 seconds: the only work before views.open is one read of the person's own sessions.
        var defaults = await DefaultsAsync(user, null, cancellationToken);
        var opened = await api.OpenViewAsync(triggerId, StartForm.Render(defaults), cancellationToken);
        if (!opened.Ok)
        {
            LogNotOpened(opened.Error);
            return false;
        }

        // sinfo takes an SSH round-trip: the form is already open, and gains the partitions when they are known.
        if (opened.Body.Child("view").Text("id") is { } viewId)
        {
            _ = ShowPartitionsAsync(user, viewId, opened.Body.Child("view").Text("hash"), defaults);
        }

        return true;
    }

    /// <summary>
    /// Another cluster was chosen in the open form: it is redrawn with the person's last choices there and that
    /// cluster's environments, then with its partitions once sinfo answers.
    /// </summary>
    public async Task SwitchClusterAsync(ChatUserId user, string viewId, string? hash, string cluster, CancellationToken cancellationToken)
    {
        if (clusters.Find(cluster) is null) return;
        var defaults = await DefaultsAsync(user, cluster, cancellationToken);
        var updated = await api.UpdateViewAsync(viewId, hash, StartForm.Render(defaults), cancellationToken);
        if (!updated.Ok)
        {
            LogNotOpened(updated.Error);
            return;
        }

        _ = ShowPartitionsAsync(user, viewId, updated.Body.Child("view").Text("hash"), defaults);
    }

    /// <summary>
    /// Redraws the open form with the partitions to pick from, or with why they could not be read. A newer redraw
    /// (another cluster chosen meanwhile) changed the view's hash, so Slack refuses this stale one.
    /// </summary>
    private async Task ShowPartitionsAsync(ChatUserId user, string viewId, string? hash, StartFormDefaults defaults)
    {
        var cluster = defaults.Choices.Cluster.Name;
        PartitionList list;
        try
        {
            using var limit = new CancellationTokenSource(PartitionWait);
            list = await partitions.ListAsync(user, cluster, limit.Token);
        }
        catch (OperationCanceledException)
        {
            list = PartitionList.Without($"{cluster} did not answer within {Durations.Describe(PartitionWait)}: type a partition, or leave it empty for the cluster's default.");
        }

        if (list.Unavailable is { } reason) LogNoPartitions(cluster, reason);
        try
        {
            using var limit = new CancellationTokenSource(PartitionWait);
            var updated = await api.UpdateViewAsync(viewId, hash, StartForm.Render(defaults with { Partitions = list }), limit.Token);
            if (!updated.Ok) LogNotOpened(updated.Error);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            LogNotOpened(ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The start form shows no partitions of {Cluster} to pick from: {Reason}")]
    private partial void LogNoPartitions(string cluster, string reason);

    /// <summary>Slack's answer to a submission: the fields' errors, or the form replaced by the command's reply.</summary>
    public static JsonObject Errors(IReadOnlyDictionary<string, string> errors) => new()
    {
        ["response_action"] = "errors",
        ["errors"] = new JsonObject([.. errors.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(e.Value)))]),
    };

    public static JsonObject Update(string reply) => new() { ["response_action"] = "update", ["view"] = StartForm.Answer(reply) };

    private async Task<StartFormDefaults> DefaultsAsync(ChatUserId user, string? cluster, CancellationToken cancellationToken) =>
        new([.. clusters.All.Select(c => c.Name)], await choices.ForAsync(user, cluster, cancellationToken));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack did not show the start form: {Error}")]
    private partial void LogNotOpened(string? error);
}
