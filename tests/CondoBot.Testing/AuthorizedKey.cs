namespace CondoBot.Testing;

/// <summary>
/// A delegated key a test linked through a service process and authorized on the local cluster, as a person would by
/// pasting the printed line; disposing it removes that line again.
/// </summary>
public sealed class AuthorizedKey : IDisposable
{
    private const string PrintedEntry = @"echo '(?<entry>restrict ssh-ed25519 [A-Za-z0-9+/=]+ (?<comment>condobot-[^']+))' >> ";

    private AuthorizedKey(string login, string entry, string comment)
    {
        Login = login;
        Entry = entry;
        Comment = comment;
    }

    public string Login { get; }

    /// <summary>The whole authorized_keys line the service printed.</summary>
    public string Entry { get; }

    /// <summary>The key's comment, which names it in authorized_keys.</summary>
    public string Comment { get; }

    /// <summary>Types <c>key LOGIN</c> at <paramref name="bot"/>'s console and authorizes the line it prints.</summary>
    public static async Task<AuthorizedKey> LinkAsync(BotProcess bot, string login, int from = 0)
    {
        bot.Type($"key {login}");
        var printed = await bot.WaitForAsync(PrintedEntry, TimeSpan.FromSeconds(60), from);
        var key = new AuthorizedKey(login, printed.Groups["entry"].Value, printed.Groups["comment"].Value);
        LocalCluster.Authorize(login, key.Entry);
        return key;
    }

    public void Dispose() => LocalCluster.Deauthorize(Login, Comment);
}
