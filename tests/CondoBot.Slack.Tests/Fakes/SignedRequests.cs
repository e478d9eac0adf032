using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace CondoBot.Slack.Tests.Fakes;

/// <summary>
/// Requests built and signed exactly as Slack builds and signs them (written here independently of the bot's code):
/// a form body, <c>X-Slack-Request-Timestamp</c>, and <c>X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:ts:body"))</c>.
/// </summary>
public static class SignedRequests
{
    public const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    public const string Team = "T0TEAM1";
    public const string FormType = "application/x-www-form-urlencoded";

    public static string NewTrigger() => "13345224609." + Random.Shared.NextInt64(100_000_000, 999_999_999) + "." + Guid.NewGuid().ToString("N")[..20];

    public static string CommandBody(string text, string user, string? trigger = null, string team = Team) => Form(
        ("token", "deprecated-verification-token"), ("team_id", team), ("team_domain", "condo"), ("channel_id", "C0CONDO"),
        ("channel_name", "condo"), ("user_id", user), ("user_name", user.ToLowerInvariant()), ("command", "/condo"), ("text", text),
        ("api_app_id", "A0CONDO"), ("response_url", "https://hooks.slack.test/commands/T0TEAM1/1/abc"), ("trigger_id", trigger ?? NewTrigger()));

    public static JsonObject ClickPayload(string actionId, string value, string user, string channel = "D0DM", string team = Team) => new()
    {
        ["type"] = "block_actions",
        ["user"] = new JsonObject { ["id"] = user, ["username"] = user.ToLowerInvariant(), ["team_id"] = team },
        ["api_app_id"] = "A0CONDO",
        ["token"] = "deprecated-verification-token",
        ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1700000000.000100", ["channel_id"] = channel },
        ["trigger_id"] = NewTrigger(),
        ["team"] = new JsonObject { ["id"] = team, ["domain"] = "condo" },
        ["channel"] = new JsonObject { ["id"] = channel, ["name"] = "directmessage" },
        ["response_url"] = "https://hooks.slack.test/actions/T0TEAM1/1/abc",
        ["actions"] = new JsonArray(new JsonObject
        {
            ["action_id"] = actionId,
            ["block_id"] = "session",
            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Stop" },
            ["value"] = value,
            ["type"] = "button",
            ["action_ts"] = "1700000001.000200",
        }),
    };

    public static string ClickBody(JsonObject payload) => Form(("payload", payload.ToJsonString()));

    public static string Form(params (string Key, string Value)[] fields) =>
        string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value).Replace("%20", "+", StringComparison.Ordinal)));

    public static HttpRequestMessage Post(string path, string body, DateTimeOffset? at = null, string secret = Secret, string contentType = FormType) =>
        Post(path, Encoding.UTF8.GetBytes(body), at, secret, contentType);

    public static HttpRequestMessage Post(string path, byte[] body, DateTimeOffset? at = null, string secret = Secret, string contentType = FormType)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = Unsigned(path, body, contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", Signature(secret, timestamp, body));
        return request;
    }

    public static HttpRequestMessage Unsigned(string path, byte[] body, string contentType = FormType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    public static string Signature(string secret, string timestamp, byte[] body)
    {
        var basestring = Encoding.UTF8.GetBytes("v0:" + timestamp + ":").Concat(body).ToArray();
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), basestring));
    }
}
