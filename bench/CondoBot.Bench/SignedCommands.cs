using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace CondoBot.Bench;

/// <summary>
/// Slash commands built and signed as Slack sends them: a form body, a fresh timestamp and trigger id per request, and
/// <c>X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:TS:BODY"))</c>. Written independently of the bot's verifier.
/// </summary>
internal static class SignedCommands
{
    public const string Secret = "bench0signing0secret0a1b2c3d4e5f";
    public const string Team = "T0BENCH1";

    private static long _trigger;

    public static HttpRequestMessage Post(string path, string user, string text)
    {
        var body = Encoding.UTF8.GetBytes(Body(user, text));
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", Signature(timestamp, body));
        return request;
    }

    /// <summary>Every trigger id is unique: the bot answers a repeated one from its ledger instead of running it.</summary>
    private static string Body(string user, string text)
    {
        var trigger = $"1{Interlocked.Increment(ref _trigger):D10}.{Environment.ProcessId}.bench";
        (string, string)[] fields =
        [
            ("token", "unused"), ("team_id", Team), ("team_domain", "bench"), ("channel_id", "C0BENCH"), ("channel_name", "bench"),
            ("user_id", user), ("user_name", user.ToLowerInvariant()), ("command", "/condo"), ("text", text), ("api_app_id", "A0BENCH"),
            ("response_url", "https://hooks.slack.test/commands/T0BENCH1/1/x"), ("trigger_id", trigger),
        ];
        return string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Item1) + "=" + Uri.EscapeDataString(f.Item2).Replace("%20", "+", StringComparison.Ordinal)));
    }

    private static string Signature(string timestamp, byte[] body)
    {
        var basestring = Encoding.ASCII.GetBytes("v0:" + timestamp + ":").Concat(body).ToArray();
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), basestring));
    }
}
