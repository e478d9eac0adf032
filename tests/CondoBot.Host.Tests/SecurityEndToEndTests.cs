using System.Text;
using System.Text.RegularExpressions;
using CondoBot.Testing;
using Microsoft.AspNetCore.DataProtection;

namespace CondoBot.Host.Tests;

/// <summary>
/// Hostile input never reaches the cluster, and after a real session no key or token is left readable on disk or in
/// the logs: checked on the real service process and the real local cluster.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SecurityEndToEndTests : IDisposable
{
    private const string Login = "condouser3";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly string _data = Directory.CreateTempSubdirectory("condobot-sec-").FullName;
    private readonly List<IDisposable> _cleanup = [];

    private static readonly string[] Corpus =
    [
        "start -A cnms;id", "start -A 'cnms'", "start -A \"cnms\"", "start -A $(id)", "start -A `id`", "start -A cnms&&id",
        "start -A cnms|id", "start -A cnms>x", "start -A ${HOME}", "start -A -cnms", "start -A --help", "start -A ｃｎｍｓ",
        "start -A cnms\u200b", "start -A с", "start -A " + new string('a', 65), "start --partition debug;id",
        "start --partition $(id)", "start --partition 'x y'", "start -t 1:00:00;id", "start -t $(date)", "start -t 1h",
        "start -t -1", "start -n 1;id", "start -n $(id)", "start -n 0x10", "start -p 5959;id", "start -p 5959\u0000",
        "start -p ٥٩٥٩", "start --gpus 1;id", "start --cluster local;id", "start --cluster ../etc",
        "start -A cnms -t 30 --x", "start -A\u001b[31m", "stop 1;scancel", "stop $(id)", "tunnel 1&&id", "renew `id`",
        "key root;id", "key ../../etc", "key $(id)", "key UPPER", "key -o", "start " + new string('x', 600),
    ];

    public void Dispose()
    {
        foreach (var item in _cleanup.AsEnumerable().Reverse()) item.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private BotProcess StartBot(string user)
    {
        var bot = BotProcess.Start(_cluster.BotSettings(_data, user), "console");
        _cleanup.Add(bot);
        return bot;
    }

    private async Task<string> LinkAsync(BotProcess bot)
    {
        var key = await AuthorizedKey.LinkAsync(bot, Login);
        _cleanup.Add(key);
        return key.Comment;
    }

    [Fact]
    public async Task AnInjectionCorpus_IsRefusedWithUsage_AndNothingReachesTheCluster()
    {
        var bot = StartBot("sec" + Guid.NewGuid().ToString("N")[..6]);
        await LinkAsync(bot);
        var loginsBefore = Logins();
        var jobsBefore = Jobs();

        foreach (var text in Corpus) bot.Type(text);
        bot.Type("status");
        await bot.WaitForAsync("You have no sessions", TimeSpan.FromSeconds(30));

        var replies = bot.Stdout;
        Assert.Equal(Corpus.Length, Regex.Matches(replies, "^Usage: ", RegexOptions.Multiline).Count);
        Assert.Equal(loginsBefore, Logins());
        Assert.Equal(jobsBefore, Jobs());
    }

    [Fact]
    public async Task AfterARealSession_NoPrivateKeyOrTokenIsReadableInTheDataFolderOrTheLogs()
    {
        var bot = StartBot("sec" + Guid.NewGuid().ToString("N")[..6]);
        var comment = await LinkAsync(bot);
        bot.Type("start -A birthright -t 0:10:00 -p 17777");
        var ready = await bot.WaitForAsync(@"Then open http://localhost:17777/lab\?token=(?<token>[0-9a-f]{32,})", TimeSpan.FromSeconds(90));
        var token = ready.Groups["token"].Value;
        bot.Type("stop");
        await bot.WaitForAsync("stopped by you", TimeSpan.FromSeconds(60));
        bot.CloseInput();
        Assert.True(bot.WaitForExit(TimeSpan.FromSeconds(30)));

        var entry = File.ReadAllLines($"/home/{Login}/.ssh/authorized_keys").Single(l => l.EndsWith(" " + comment, StringComparison.Ordinal));
        var secrets = Secrets(token, entry);
        foreach (var file in Directory.EnumerateFiles(_data, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            foreach (var (what, secret) in secrets) Assert.False(bytes.AsSpan().IndexOf(secret) >= 0, $"{what} is readable in {file}");
        }

        var logs = Encoding.UTF8.GetBytes(bot.Stderr);
        foreach (var (what, secret) in secrets) Assert.False(logs.AsSpan().IndexOf(secret) >= 0, $"{what} is in the service's log");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_data));
        Assert.Matches("^restrict,command=\"/bin/sh \\$HOME/\\.condobot/gate-[0-9a-f]{16}\\.gate [0-9a-f]{32}\" ssh-ed25519 ", entry);
    }

    /// <summary>
    /// What must never be readable: the session's token, and the delegated key's private half in every form it could
    /// take (the 32-byte seed raw, in hex and in base64, and OpenSSH's 64-byte private key in base64). The seed is the
    /// real one: unsealed here with the service's own key ring, and checked against the public key in authorized_keys,
    /// so the search is for what the service actually holds.
    /// </summary>
    private List<(string What, byte[] Secret)> Secrets(string token, string authorizedEntry)
    {
        byte[] seed;
        using (var database = new SQLite.SQLiteConnection(Path.Combine(_data, "condobot.db")))
        {
            var sealedSeed = database.ExecuteScalar<byte[]>("SELECT protected_private_key FROM user_keys");
            var protection = DataProtectionProvider.Create(
                new DirectoryInfo(Path.Combine(_data, "keyring")), b => b.SetApplicationName("CondoBot"));
            seed = protection.CreateProtector("CondoBot.DelegatedKeys.v1").Unprotect(sealedSeed);
        }

        var publicKey = new Org.BouncyCastle.Crypto.Parameters.Ed25519PrivateKeyParameters(seed).GeneratePublicKey().GetEncoded();
        // The key follows its type; the options before it (the gate's forced command) hold spaces of their own.
        var words = authorizedEntry.Split(' ');
        var blob = Convert.FromBase64String(words[Array.IndexOf(words, "ssh-ed25519") + 1]);
        Assert.Equal(publicKey, blob[^32..]);
        List<(string, byte[])> secrets =
        [
            ("the JupyterLab token", Encoding.ASCII.GetBytes(token)),
            ("the delegated key's seed", seed),
            ("the delegated key's seed in hex", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(seed))),
        ];
        // Base64 inside a longer text (a PEM body) depends on where the secret starts: one search per alignment.
        for (var skip = 0; skip < 3; skip++)
        {
            secrets.Add(("the delegated key's seed in base64", Base64Core(seed[skip..])));
            secrets.Add(("the delegated private key (OpenSSH form) in base64", Base64Core([.. seed[skip..], .. publicKey])));
        }

        return secrets;
    }

    /// <summary>The base64 of <paramref name="bytes"/> without its last group, which depends on what follows.</summary>
    private static byte[] Base64Core(byte[] bytes) => Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes)[..^4]);

    private static int Logins() => File.ReadLines("/var/log/condobot-sshd.log").Count(l => l.Contains($"Accepted publickey for {Login} ", StringComparison.Ordinal));

    private string Jobs() => _cluster.Slurm("squeue", "--noheader", "--states=all", "--user", Login, "--format=%i");
}
