using System.Net;
using System.Text.Json;
using CondoBot.Core;

namespace CondoBot.Teams.Activities;

/// <summary>
/// The command text an activity carries: what the person typed without the bot's own @mention, or a card's Stop or
/// Renew button turned into <c>stop JOBID</c> or <c>renew JOBID</c>. Whatever is returned still goes through the core's
/// parser, as the person who pressed the button: the core acts only on that person's own sessions.
/// </summary>
public static class CommandText
{
    /// <summary>The data the cards' Stop buttons submit; changing it orphans the buttons of cards already sent.</summary>
    public const string StopVerb = "stop";

    /// <summary>The data the cards' Renew buttons submit.</summary>
    public const string RenewVerb = "renew";

    /// <summary>The data the idle card's Keep button submits: <c>keep JOBID 2h</c>.</summary>
    public const string KeepVerb = "keep";

    public static string? From(Activity activity)
    {
        if (activity.Value is { ValueKind: JsonValueKind.Object } value)
        {
            return ButtonCommand(value);
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

    /// <summary>
    /// Only <c>stop</c>, <c>renew</c> or <c>keep</c> (for <see cref="Core.Sessions.IdleWatch.KeepFor"/>) with a well-formed job id is accepted from a button; any other submitted data
    /// (the start form's included, which <see cref="StartForm"/> reads) gives null.
    /// </summary>
    private static string? ButtonCommand(JsonElement value)
    {
        if (!value.TryGetProperty("command", out var command) || command.ValueKind != JsonValueKind.String
            || command.GetString() is not (StopVerb or RenewVerb or KeepVerb) || command.GetString() is not { } verb
            || !value.TryGetProperty("job", out var job) || job.ValueKind != JsonValueKind.String
            || !SlurmJobId.TryParse(job.GetString(), out var id))
        {
            return null;
        }

        return verb == KeepVerb ? $"{verb} {id} {(long)Core.Sessions.IdleWatch.KeepFor.TotalHours}h" : $"{verb} {id}";
    }

    private static IEnumerable<string> BotMentions(Activity activity) =>
        (activity.Entities ?? [])
        .Where(e => string.Equals(e.Type, "mention", StringComparison.OrdinalIgnoreCase)
            && e.Mentioned?.Id is { Length: > 0 } id && id == activity.Recipient?.Id
            && e.Text is { Length: > 0 })
        .Select(e => e.Text!)
        .Distinct(StringComparer.Ordinal);
}
