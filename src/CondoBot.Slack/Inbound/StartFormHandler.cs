using System.Text.Json.Nodes;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;
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
    ISessionStore sessions,
    ClusterCatalog clusters,
    PartitionChoices partitions,
    TimeProvider time,
    ILogger<StartFormHandler> logger)
{
    /// <summary>How far back the form looks for the person's last choices and recent accounts.</summary>
    private static readonly TimeSpan RecentFor = TimeSpan.FromDays(90);

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
        var defaults = await DefaultsAsync(user, cancellationToken);
        var opened = await api.OpenViewAsync(triggerId, StartForm.Render(defaults), cancellationToken);
        if (!opened.Ok)
        {
            LogNotOpened(opened.Error);
            return false;
        }

        // sinfo takes an SSH round-trip: the form is already open, and gains the idle partitions when they are known.
        if (opened.Body.Child("view").Text("id") is { } viewId)
        {
            _ = ShowIdlePartitionsAsync(user, viewId, opened.Body.Child("view").Text("hash"), defaults);
        }

        return true;
    }

    /// <summary>Redraws the open form with the idle partitions; a hint only, so any failure just leaves it as it is.</summary>
    private async Task ShowIdlePartitionsAsync(ChatUserId user, string viewId, string? hash, StartFormDefaults defaults)
    {
        try
        {
            using var limit = new CancellationTokenSource(IdleWait);
            var idle = await partitions.IdleAsync(user, defaults.Cluster, limit.Token);
            if (idle.Count == 0) return;
            var updated = await api.UpdateViewAsync(viewId, hash, StartForm.Render(defaults with { IdlePartitions = idle }), limit.Token);
            if (!updated.Ok) LogNotOpened(updated.Error);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException or TimeoutException)
        {
            LogNoPartitions(ex.GetType().Name);
        }
    }

    /// <summary>How long the form waits for sinfo before it stays without the idle partitions.</summary>
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(15);

    [LoggerMessage(Level = LogLevel.Information, Message = "The start form stays without idle partitions: {Reason}")]
    private partial void LogNoPartitions(string reason);

    /// <summary>Slack's answer to a submission: the fields' errors, or the form replaced by the command's reply.</summary>
    public static JsonObject Errors(IReadOnlyDictionary<string, string> errors) => new()
    {
        ["response_action"] = "errors",
        ["errors"] = new JsonObject([.. errors.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(e.Value)))]),
    };

    public static JsonObject Update(string reply) => new() { ["response_action"] = "update", ["view"] = StartForm.Answer(reply) };

    private async Task<StartFormDefaults> DefaultsAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        var mine = (await sessions.ListAsync(user, time.GetUtcNow() - RecentFor, cancellationToken))
            .OrderByDescending(s => s.CreatedAt).ToList();
        var last = mine.FirstOrDefault();
        var cluster = last is not null && clusters.Find(last.Cluster) is not null ? last.Cluster : clusters.Default.Name;
        var accounts = mine.Select(s => s.Account).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var account = last?.Account is { Length: > 0 } a ? a : null;
        return new StartFormDefaults(
            [.. clusters.All.Select(c => c.Name)],
            cluster,
            accounts,
            account,
            last?.Partition is { Length: > 0 } p ? p : null,
            last is null ? Walltime.Default : Walltime.FromTimeSpan(last.Walltime),
            last?.Nodes ?? StartOptions.DefaultNodes,
            last?.Gpus ?? 0);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack did not open the start form: {Error}")]
    private partial void LogNotOpened(string? error);
}
