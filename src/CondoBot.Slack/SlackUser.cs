using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using CondoBot.Core;

namespace CondoBot.Slack;

/// <summary>
/// A Slack person as the core knows them: platform <c>slack</c>, id <c>TEAM:USER</c>. The team is part of the id so
/// that the same user id in two workspaces is never one person.
/// </summary>
public static partial class SlackUser
{
    public const string Platform = "slack";

    public static ChatUserId Id(string team, string user) => new(Platform, team + ":" + user);

    /// <summary>The Slack user id (<c>U...</c>) a message to this person goes to.</summary>
    public static bool TryGetUser(ChatUserId id, [NotNullWhen(true)] out string? user)
    {
        user = null;
        if (id.Platform != Platform) return false;
        var colon = id.Id.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !IsSlackId(id.Id[(colon + 1)..])) return false;
        user = id.Id[(colon + 1)..];
        return true;
    }

    /// <summary>Team, user and channel ids are short upper-case words; anything else did not come from Slack.</summary>
    public static bool IsSlackId([NotNullWhen(true)] string? text) => text is not null && SlackIdPattern().IsMatch(text);

    [GeneratedRegex("^[A-Z0-9]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex SlackIdPattern();
}
