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
        var view = StartForm.Render(await DefaultsAsync(user, cancellationToken));
        var opened = await api.OpenViewAsync(triggerId, view, cancellationToken);
        if (!opened.Ok) LogNotOpened(opened.Error);
        return opened.Ok;
    }

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
