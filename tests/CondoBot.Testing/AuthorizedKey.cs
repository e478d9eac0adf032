using System.Text.RegularExpressions;

namespace CondoBot.Testing;

/// <summary>
/// A delegated key a test linked through a service process and authorized on the local cluster as a person would:
/// by running the printed line as that login, in its login shell (<c>su - LOGIN -c LINE</c>). Disposing it removes
/// the key's line again.
/// </summary>
public sealed partial class AuthorizedKey : IDisposable
{
    private AuthorizedKey(string login, string line, string entry, string comment)
    {
        Login = login;
        Line = line;
        Entry = entry;
        Comment = comment;
    }

    public string Login { get; }

    /// <summary>The whole line the service printed, as the person pastes it.</summary>
    public string Line { get; }

    /// <summary>The authorized_keys entry the line adds.</summary>
    public string Entry { get; }

    /// <summary>The key's comment, which names it in authorized_keys.</summary>
    public string Comment { get; }

    /// <summary>Types <c>key LOGIN</c> at <paramref name="bot"/>'s console and authorizes the line it prints.</summary>
    public static async Task<AuthorizedKey> LinkAsync(BotProcess bot, string login, int from = 0)
    {
        bot.Type($"key {login}");
        var printed = await bot.WaitForAsync(PrintedLine().ToString(), TimeSpan.FromSeconds(60), from);
        return Install(login, printed.Value);
    }

    /// <summary>Finds the authorize line in a reply (Slack's escaping of <c>&amp;</c> and <c>&gt;</c> undone) and runs it as the login.</summary>
    public static AuthorizedKey Install(string login, string reply)
    {
        var text = reply.Replace("&gt;", ">", StringComparison.Ordinal).Replace("&lt;", "<", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);
        var printed = PrintedLine().Match(text);
        if (!printed.Success) throw new InvalidOperationException("No authorize line in: " + reply);
        var key = new AuthorizedKey(login, printed.Value, printed.Groups["entry"].Value, printed.Groups["comment"].Value);
        RunAs(login, key.Line);
        return key;
    }

    /// <summary>Runs a line in the login's own login shell, as <c>su - LOGIN -c LINE</c> does for a person.</summary>
    public static string RunAs(string login, string line) => LocalCluster.Run("su", ["-", login, "-c", line], stdin: null);

    public void Dispose() => LocalCluster.Deauthorize(Login, Comment);

    /// <summary>The user-owned gate's line (installer piped to sh, entry in clear) or the site-wide gate's (append the entry).</summary>
    [GeneratedRegex("""(echo '[A-Za-z0-9+/=]+' \| base64 -d \| gunzip \| sh -s '|mkdir -p ~/\.ssh && chmod 700 ~/\.ssh && echo ')(?<entry>restrict,command="/bin/sh [^"]+"[^ ]* ssh-ed25519 [A-Za-z0-9+/=]+ (?<comment>condobot-[^']+))'( >> ~/\.ssh/authorized_keys && chmod 600 ~/\.ssh/authorized_keys)?""")]
    public static partial Regex PrintedLine();
}
