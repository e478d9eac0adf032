using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using CondoBot.Slack.Tests.Fakes;
using static CondoBot.Slack.Tests.Fakes.SignedRequests;

namespace CondoBot.Slack.Tests;

/// <summary>
/// Socket Mode under load and under Slack's limits: a burst of envelopes is acknowledged within 3 s each, with every
/// command's work done; <c>too_many_websockets</c> and rate-limited <c>apps.connections.open</c> back off.
/// </summary>
public sealed class SocketModeConcurrencyTests : SocketModeRig
{
    private static JsonObject StartEnvelope(string id, string user) => new()
    {
        ["envelope_id"] = id,
        ["type"] = "slash_commands",
        ["accepts_response_payload"] = true,
        ["retry_attempt"] = 0,
        ["retry_reason"] = "",
        ["payload"] = new JsonObject
        {
            ["token"] = "deprecated", ["team_id"] = Team, ["team_domain"] = "condo", ["channel_id"] = "C0BURST", ["user_id"] = user,
            ["command"] = "/condo", ["text"] = "start -A cnms", ["api_app_id"] = "A0CONDO", ["trigger_id"] = NewTrigger(),
            ["response_url"] = "https://hooks.slack.test/commands/1",
        },
    };

    [Fact]
    public async Task ABurstOfFiftyEnvelopes_IsAckedWithinThreeSecondsEach_AndEveryCommandStartsItsSession()
    {
        const int burst = 50;
        var users = Enumerable.Range(0, burst).Select(i => $"U0BURST{i:00}").ToList();
        foreach (var user in users) await Host.LinkAsync(user);
        var socket = await ConnectedAsync();
        // Each command then takes a fifth of a second: handled one after another, the last would wait ten seconds.
        Host.ChatState.Delay = TimeSpan.FromMilliseconds(100);

        var clock = Stopwatch.StartNew();
        var sentAt = new ConcurrentDictionary<string, TimeSpan>();
        var acks = new ConcurrentDictionary<string, (TimeSpan At, JsonObject Frame)>();
        var reading = Task.Run(async () =>
        {
            while (acks.Count < burst && await socket.ReceiveAsync(TimeSpan.FromSeconds(30)) is { } frame)
            {
                acks[frame["envelope_id"]!.GetValue<string>()] = (clock.Elapsed, frame);
            }
        });
        for (var i = 0; i < burst; i++)
        {
            var id = $"env-burst-{i:00}";
            sentAt[id] = clock.Elapsed;
            await socket.SendAsync(StartEnvelope(id, users[i]));
        }

        await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(burst, acks.Count);
        var slowest = acks.Max(a => a.Value.At - sentAt[a.Key]);
        Assert.True(slowest < AckWithin, $"the slowest ack took {slowest.TotalMilliseconds:F0} ms");
        for (var i = 0; i < burst; i++)
        {
            // Each person is answered: in the ack itself, or (if the reply missed the ack) in an ephemeral message.
            var (_, frame) = acks[$"env-burst-{i:00}"];
            var answer = frame["payload"]?["text"]?.GetValue<string>()
                ?? (await Slack.WaitForCallAsync("chat.postEphemeral", c => c.Field("user") == users[i], TimeSpan.FromSeconds(10))).Text;
            Assert.Contains("Submitting JupyterLab on local as condouser (account cnms", answer, StringComparison.Ordinal);
            Assert.Single(await Host.SessionsOfAsync(users[i]));
        }
    }

    [Fact]
    public async Task ACommandSlowerThanItsAck_IsAckedInTime_AndItsReplyFollowsAsAnEphemeralMessage()
    {
        await Host.LinkAsync("U0SLOW");
        var socket = await ConnectedAsync();
        // Past the reply budget with the one write a start waits for (taking its trigger id), well within the ack's.
        Host.ChatState.Delay = TimeSpan.FromSeconds(2);

        var clock = Stopwatch.StartNew();
        await socket.SendAsync(StartEnvelope("env-slow", "U0SLOW"));
        var ack = await socket.ReceiveAsync(TimeSpan.FromSeconds(10));

        Assert.True(clock.Elapsed < AckWithin, $"acked after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(new JsonObject { ["envelope_id"] = "env-slow" }.ToJsonString(), ack!.ToJsonString());
        var told = await Slack.WaitForCallAsync("chat.postEphemeral", c => c.Field("user") == "U0SLOW", TimeSpan.FromSeconds(10));
        Assert.Equal("C0BURST", told.Field("channel"));
        Assert.Contains("Submitting JupyterLab on local as condouser (account cnms", told.Text, StringComparison.Ordinal);
        Assert.Single(await Host.SessionsOfAsync("U0SLOW"));
    }

    [Fact]
    public async Task AnEnvelopeWhoseWorkFails_GoesUnacked_WhileTheConnectionKeepsServingTheOthers()
    {
        await Host.LinkAsync("U0FAIL");
        var socket = await ConnectedAsync();
        Host.ChatState.Failing = true;

        await socket.SendAsync(StartEnvelope("env-fails", "U0FAIL"));
        await socket.SendAsync(new JsonObject
        {
            ["envelope_id"] = "env-status", ["type"] = "slash_commands", ["accepts_response_payload"] = true,
            ["payload"] = new JsonObject
            {
                ["team_id"] = Team, ["channel_id"] = "C0BURST", ["user_id"] = "U0FAIL", ["command"] = "/condo", ["text"] = "status",
                ["trigger_id"] = NewTrigger(), ["response_url"] = "https://hooks.slack.test/commands/1",
            },
        });
        var first = await socket.ReceiveAsync(TimeSpan.FromSeconds(10));
        // The status can be answered before the start has even tried its write: clear the failure only once it has.
        await Host.ChatState.Failed.WaitAsync(TimeSpan.FromSeconds(10));
        Host.ChatState.Failing = false;
        await socket.SendAsync(StartEnvelope("env-after", "U0FAIL"));
        var second = await socket.ReceiveAsync(TimeSpan.FromSeconds(10));

        // Slack shows the person that the failed command did not work, since no ack came for it.
        Assert.Equal("env-status", first!["envelope_id"]!.GetValue<string>());
        Assert.Equal("env-after", second!["envelope_id"]!.GetValue<string>());
        Assert.Contains("Submitting JupyterLab", second["payload"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(Slack.CallsTo("apps.connections.open"));
    }

    [Fact]
    public async Task TooManyWebsockets_BacksOff_InsteadOfReconnectingAtOnce()
    {
        var first = await ConnectedAsync();

        var said = DateTimeOffset.UtcNow;
        await first.DisconnectAsync("too_many_websockets");
        var second = await ConnectedAsync();

        var reopened = Slack.CallsTo("apps.connections.open")[1].At;
        Assert.True(reopened - said >= TimeSpan.FromSeconds(0.9), $"reconnected after {(reopened - said).TotalMilliseconds:F0} ms");
        Assert.NotEqual(first.Number, second.Number);
    }

    [Fact]
    public async Task ARefreshRequest_StillReconnectsAtOnce()
    {
        var first = await ConnectedAsync();

        var said = DateTimeOffset.UtcNow;
        await first.DisconnectAsync("refresh_requested");
        await ConnectedAsync();

        Assert.True(Slack.CallsTo("apps.connections.open")[1].At - said < TimeSpan.FromSeconds(0.9));
    }

    [Fact]
    public async Task ARateLimitedConnectionsOpen_IsNotTriedAgainBeforeItsRetryAfter()
    {
        var first = await ConnectedAsync();
        // Longer than the quick retries the Web API client does itself, so the wait is the service's to keep.
        Slack.Script("apps.connections.open", new FakeAnswer.RateLimited(3));

        await first.DisconnectAsync("refresh_requested");
        var second = await ConnectedAsync();

        var opens = Slack.CallsTo("apps.connections.open");
        Assert.Equal(3, opens.Count);
        Assert.True(opens[2].At - opens[1].At >= TimeSpan.FromSeconds(2.9), $"tried again after {(opens[2].At - opens[1].At).TotalMilliseconds:F0} ms");
        Assert.NotEqual(first.Number, second.Number);
    }

    [Fact]
    public async Task ConnectionsOpenAnsweringRatelimited_IsAlsoWaitedOut()
    {
        var first = await ConnectedAsync();
        Slack.Script("apps.connections.open", new FakeAnswer.Error("ratelimited"));

        await first.DisconnectAsync("refresh_requested");
        await ConnectedAsync();

        var opens = Slack.CallsTo("apps.connections.open");
        Assert.Equal(3, opens.Count);
        // No Retry-After came with it: a second is the least any rate limit is waited.
        Assert.True(opens[2].At - opens[1].At >= TimeSpan.FromSeconds(0.9), $"tried again after {(opens[2].At - opens[1].At).TotalMilliseconds:F0} ms");
    }
}
