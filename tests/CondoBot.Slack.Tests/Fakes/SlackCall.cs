using System.Text.Json.Nodes;

namespace CondoBot.Slack.Tests.Fakes;

/// <summary>One Web API call as the fake Slack received it.</summary>
public sealed record SlackCall(string Method, string? Authorization, string? ContentType, JsonObject Body)
{
    /// <summary>When the fake received the call.</summary>
    public DateTimeOffset At { get; } = DateTimeOffset.UtcNow;

    /// <summary>What the fake answered (for <c>chat.postMessage</c>, the new message's <c>ts</c>).</summary>
    public JsonObject? Answer { get; internal set; }

    /// <summary>Refused because the fake was in an outage (see <see cref="FakeSlack.Outage"/>).</summary>
    public bool FailedInOutage { get; internal set; }

    public string? AnswerTs => Answer?["ts"]?.GetValue<string>();

    public string? Field(string name) => Body[name]?.GetValue<string>();

    public string Text => Field("text") ?? "";

    /// <summary>The message this one replies to in its thread, or null for a message of its own.</summary>
    public string? ThreadTs => Field("thread_ts");

    /// <summary>Every mrkdwn string in the blocks, joined, as a person would read the message.</summary>
    public string BlockText => string.Join('\n', Strings(Blocks));

    /// <summary>A message's blocks, or a view's (<c>views.open</c>, <c>views.publish</c>).</summary>
    public JsonNode? Blocks => Body["blocks"] ?? Body["view"]?["blocks"];

    /// <summary>The buttons in the message's actions blocks: action id and value.</summary>
    public IReadOnlyList<(string ActionId, string Value, string Label)> Buttons =>
        (Blocks as JsonArray ?? [])
            .Where(b => b?["type"]?.GetValue<string>() == "actions")
            .SelectMany(b => b!["elements"]!.AsArray())
            .Select(e => (e!["action_id"]!.GetValue<string>(), e["value"]!.GetValue<string>(), e["text"]!["text"]!.GetValue<string>()))
            .ToList();

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonArray array => array.SelectMany(Strings),
        JsonObject o when o["type"]?.GetValue<string>() == "mrkdwn" => [o["text"]!.GetValue<string>()],
        JsonObject o => o.Select(p => p.Value).SelectMany(Strings),
        _ => [],
    };
}

/// <summary>What the fake answers next for a method, instead of its usual success.</summary>
public abstract record FakeAnswer
{
    public sealed record RateLimited(int RetryAfterSeconds) : FakeAnswer;

    public sealed record ServerError(int Status = 500) : FakeAnswer;

    public sealed record Error(string Code) : FakeAnswer;
}
