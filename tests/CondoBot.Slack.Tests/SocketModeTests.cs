using System.Text.Json.Nodes;
using CondoBot.Core.Sessions;
using CondoBot.Slack.Messages;
using CondoBot.Slack.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using static CondoBot.Slack.Tests.Fakes.SignedRequests;

namespace CondoBot.Slack.Tests;

/// <summary>
/// Socket Mode (<c>Slack__AppToken</c>) against a local WebSocket server speaking Slack's frames: every envelope is
/// acknowledged within 3 s, commands and clicks do what they do over HTTP, and the connection is renewed on
/// <c>disconnect</c> or a dead socket, but not after <c>link_disabled</c>.
/// </summary>
public sealed class SocketModeTests : SocketModeRig
{
    private static JsonObject CommandEnvelope(string id, string text, string user, string trigger, int retry = 0) => new()
    {
        ["envelope_id"] = id,
        ["type"] = "slash_commands",
        ["accepts_response_payload"] = true,
        ["retry_attempt"] = retry,
        ["retry_reason"] = retry > 0 ? "timeout" : "",
        ["payload"] = new JsonObject
        {
            ["token"] = "deprecated", ["team_id"] = Team, ["team_domain"] = "condo", ["channel_id"] = "C0CONDO", ["user_id"] = user,
            ["command"] = "/condo", ["text"] = text, ["api_app_id"] = "A0CONDO", ["trigger_id"] = trigger,
            ["response_url"] = "https://hooks.slack.test/commands/1",
        },
    };

    [Fact]
    public async Task ASlashCommandEnvelope_IsAckedWithinThreeSeconds_CarryingTheEphemeralReply()
    {
        var socket = await ConnectedAsync();
        await Host.LinkAsync("U0SOCK");

        await socket.SendAsync(CommandEnvelope("env-1", "start -A cnms", "U0SOCK", NewTrigger()));
        var ack = await socket.ReceiveAsync(AckWithin);

        Assert.Equal("env-1", ack!["envelope_id"]!.GetValue<string>());
        Assert.Equal("ephemeral", ack["payload"]!["response_type"]!.GetValue<string>());
        Assert.Contains("Submitting JupyterLab on local as condouser (account cnms", ack["payload"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(await Host.SessionsOfAsync("U0SOCK"));
        Assert.Equal("Bearer " + FakeSlack.AppToken, Assert.Single(Slack.CallsTo("apps.connections.open")).Authorization);
    }

    [Fact]
    public async Task ARedeliveredEnvelope_IsAckedWithTheSameReply_AndStartsNoSecondSession()
    {
        var socket = await ConnectedAsync();
        await Host.LinkAsync("U0TWICE");
        var trigger = NewTrigger();

        await socket.SendAsync(CommandEnvelope("env-1", "start -t 30", "U0TWICE", trigger));
        var first = await socket.ReceiveAsync(AckWithin);
        await socket.SendAsync(CommandEnvelope("env-2", "start -t 30", "U0TWICE", trigger, retry: 1));
        var second = await socket.ReceiveAsync(AckWithin);

        Assert.Equal("env-2", second!["envelope_id"]!.GetValue<string>());
        Assert.Equal(first!["payload"]!["text"]!.GetValue<string>(), second["payload"]!["text"]!.GetValue<string>());
        Assert.Single(await Host.SessionsOfAsync("U0TWICE"));
    }

    [Fact]
    public async Task AnInteractiveEnvelope_IsAckedAtOnce_ThenStopsTheClickingOwnersSession()
    {
        var socket = await ConnectedAsync();
        await Host.QueuedSessionAsync("U0OWNER", 7777);

        await socket.SendAsync(new JsonObject
        {
            ["envelope_id"] = "env-click",
            ["type"] = "interactive",
            ["accepts_response_payload"] = false,
            ["payload"] = ClickPayload(Buttons.Stop, "7777", "U0OWNER"),
        });
        var ack = await socket.ReceiveAsync(AckWithin);

        Assert.Equal(new JsonObject { ["envelope_id"] = "env-click" }.ToJsonString(), ack!.ToJsonString());
        var told = await Slack.WaitForCallAsync("chat.postEphemeral", c => c.Field("user") == "U0OWNER", TimeSpan.FromSeconds(10));
        Assert.Contains("Stopping job 7777", told.Text, StringComparison.Ordinal);
        Assert.Equal(SessionState.Stopping, Assert.Single(await Host.SessionsOfAsync("U0OWNER")).State);
    }

    [Fact]
    public async Task OtherEnvelopes_AreAckedSoSlackDoesNotRedeliverThem()
    {
        var socket = await ConnectedAsync();

        await socket.SendAsync(new JsonObject { ["envelope_id"] = "env-event", ["type"] = "events_api", ["payload"] = new JsonObject { ["type"] = "event_callback" } });

        Assert.Equal("env-event", (await socket.ReceiveAsync(AckWithin))!["envelope_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ADisconnect_LeadsToAFreshConnection_ThatServesCommands()
    {
        var first = await ConnectedAsync();

        await first.DisconnectAsync("refresh_requested");
        Assert.Null(await first.ReceiveAsync(TimeSpan.FromSeconds(5)));
        var second = await ConnectedAsync();
        await second.SendAsync(CommandEnvelope("env-after", "status", "U0AGAIN", NewTrigger()));

        Assert.NotEqual(first.Number, second.Number);
        Assert.Equal(2, Slack.CallsTo("apps.connections.open").Count);
        Assert.Contains("You have no sessions", (await second.ReceiveAsync(AckWithin))!["payload"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeadSocket_IsReplaced()
    {
        var first = await ConnectedAsync();

        first.Abort();
        var second = await ConnectedAsync();

        Assert.NotEqual(first.Number, second.Number);
    }

    [Fact]
    public async Task AFailedConnectionsOpen_IsRetried()
    {
        var first = await ConnectedAsync();
        Slack.Script("apps.connections.open", new FakeAnswer.Error("internal_error"));

        await first.DisconnectAsync("refresh_requested");
        var second = await ConnectedAsync();

        Assert.Equal(3, Slack.CallsTo("apps.connections.open").Count);
        Assert.NotEqual(first.Number, second.Number);
    }

    [Fact]
    public async Task LinkDisabled_StopsReconnecting()
    {
        var socket = await ConnectedAsync();

        await socket.DisconnectAsync("link_disabled");
        Assert.Null(await socket.ReceiveAsync(TimeSpan.FromSeconds(5)));
        // The service's loop ends for good: once it has, nothing can open another connection.
        var service = Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<CondoBot.Slack.SocketMode.SocketModeService>().Single();
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.False(Slack.SocketWaiting);
        Assert.Single(Slack.CallsTo("apps.connections.open"));
    }
}
