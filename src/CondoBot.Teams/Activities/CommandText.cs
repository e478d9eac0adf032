using System.Net;
using System.Text.Json;
using CondoBot.Core;

namespace CondoBot.Teams.Activities;

/// <summary>
/// The command text an activity carries: what the person typed without the bot's own @mention, or a card's Stop
/// button turned into <c>stop JOBID</c>. Whatever is returned still goes through the core's parser.
/// </summary>
public static class CommandText
{
    /// <summary>The data the session card's Stop button submits; changing it orphans the buttons of cards already sent.</summary>
    public const string StopVerb = "stop";

    public static string? From(Activity activity)
    {
        if (activity.Value is { ValueKind: JsonValueKind.Object } value)
        {
            return StopCommand(value);
        }

        var text = activity.Text ?? "";
        foreach (var mention in BotMentions(activity))
        {
            text = text.Replace(mention, " ", StringComparison.Ordinal);
        }

        // Teams sends text as lightly formatted HTML: entities and non-breaking spaces around mentions.
        text = WebUtility.HtmlDecode(text).Replace('\u00a0', ' ').Trim();
        return text;
    }

    /// <summary>Only <c>stop</c> with a well-formed job id is accepted from a card; any other submitted data is ignored.</summary>
    private static string? StopCommand(JsonElement value)
    {
        if (!value.TryGetProperty("command", out var command) || command.ValueKind != JsonValueKind.String
            || command.GetString() != StopVerb
            || !value.TryGetProperty("job", out var job) || job.ValueKind != JsonValueKind.String
            || !SlurmJobId.TryParse(job.GetString(), out var id))
        {
            return null;
        }

        return $"{StopVerb} {id}";
    }

    private static IEnumerable<string> BotMentions(Activity activity) =>
        (activity.Entities ?? [])
        .Where(e => string.Equals(e.Type, "mention", StringComparison.OrdinalIgnoreCase)
            && e.Mentioned?.Id is { Length: > 0 } id && id == activity.Recipient?.Id
            && e.Text is { Length: > 0 })
        .Select(e => e.Text!)
        .Distinct(StringComparer.Ordinal);
}
