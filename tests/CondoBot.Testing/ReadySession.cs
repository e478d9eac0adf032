using System.Text.RegularExpressions;

namespace CondoBot.Testing;

/// <summary>
/// What the bot printed when a session became ready: the inside command, the outside (<c>-J</c>) command, the
/// step-by-step variant (with <c>-v</c>) and the URL. <see cref="StartAsync"/> gets one from a real service process on
/// a cluster of the local site, for tests that use what a person would (a browser through the printed tunnel, say).
/// </summary>
public sealed partial record ReadySession(string Job, string Node, string Inside, string? Outside, IReadOnlyList<string> Steps, string Url)
{
    public string Token => Url[(Url.IndexOf("token=", StringComparison.Ordinal) + "token=".Length)..];

    public int LocalPort => new Uri(Url).Port;

    /// <summary>
    /// Types <c>start</c> (with <c>-v</c>, so the step-by-step variant is printed too) at a console service process
    /// whose key is linked for the login, and reads the ready message it prints.
    /// </summary>
    public static async Task<ReadySession> StartAsync(BotProcess bot, LocalCluster cluster, string account, int localPort, int from = 0)
    {
        bot.Type($"start --cluster {cluster.Name} -A {account} -p {localPort} -t 0:15:00 -v");
        var ready = await bot.WaitForAsync(ReadyPattern, TimeSpan.FromSeconds(120), from);
        return Parse(ready);
    }

    /// <summary>The next ready message (or <c>tunnel</c> resend) after <paramref name="from"/>.</summary>
    public static async Task<ReadySession> NextAsync(BotProcess bot, int from) => Parse(await bot.WaitForAsync(ReadyPattern, TimeSpan.FromSeconds(60), from));

    private static ReadySession Parse(Match ready)
    {
        var text = ready.Value;
        var outside = OutsideCommand().Match(text);
        var steps = Step().Matches(text).Select(m => m.Groups["step"].Value.TrimEnd('\r')).ToList();
        return new ReadySession(ready.Groups["job"].Value, ready.Groups["node"].Value, ready.Groups["inside"].Value,
            outside.Success ? outside.Groups["cmd"].Value : null, steps, ready.Groups["url"].Value);
    }

    private const string ReadyPattern =
        @"JupyterLab is ready on (?<node>\S+) \(job (?<job>\d+).*?```(?<inside>ssh [^`]+)```.*?Then open (?<url>http://localhost:\d+/lab\?token=[0-9a-f]+).*?When you are done";

    [GeneratedRegex(@"hop through the external login host:\s*```(?<cmd>ssh [^`]+)```")]
    private static partial Regex OutsideCommand();

    [GeneratedRegex(@"(?m)^\s+\d+\. (?<step>.+)$")]
    private static partial Regex Step();
}
