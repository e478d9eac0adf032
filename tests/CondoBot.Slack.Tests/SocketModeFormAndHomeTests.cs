using System.Text.Json.Nodes;
using CondoBot.Slack.Messages;
using CondoBot.Slack.Notifying;
using CondoBot.Slack.Tests.Fakes;
using static CondoBot.Slack.Tests.Fakes.SignedRequests;

namespace CondoBot.Slack.Tests;

/// <summary>
/// The start form and the Home tab over Socket Mode: the same envelopes Slack sends there (<c>slash_commands</c>,
/// <c>interactive</c> with a <c>view_submission</c>, <c>events_api</c>), each acknowledged within 3 s, a form's field
/// errors carried in the acknowledgement's payload.
/// </summary>
public sealed class SocketModeFormAndHomeTests : SocketModeRig
{
    [Fact]
    public async Task StartWithoutFlags_OpensTheForm_AndAWrongWalltimeIsNamedInTheAcknowledgement()
    {
        var socket = await ConnectedAsync();
        await Host.LinkAsync("U0FORM");
        var trigger = NewTrigger();

        await socket.SendAsync(new JsonObject
        {
            ["envelope_id"] = "env-start", ["type"] = "slash_commands", ["accepts_response_payload"] = true,
            ["payload"] = new JsonObject
            {
                ["team_id"] = Team, ["user_id"] = "U0FORM", ["command"] = "/condo", ["text"] = "start", ["trigger_id"] = trigger,
                ["channel_id"] = "C0CONDO", ["api_app_id"] = "A0CONDO",
            },
        });
        var ack = await socket.ReceiveAsync(AckWithin);
        var open = await Slack.WaitForCallAsync("views.open", c => c.Field("trigger_id") == trigger, AckWithin);
        Assert.Contains("start form is open", ack!["payload"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);

        var view = open.Body["view"]!.DeepClone().AsObject();
        view["state"] = new JsonObject
        {
            ["values"] = new JsonObject
            {
                ["cluster"] = new JsonObject { ["cluster"] = new JsonObject { ["type"] = "static_select", ["selected_option"] = view["blocks"]![0]!["element"]!["initial_option"]!.DeepClone() } },
                ["walltime"] = new JsonObject { ["walltime"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "forever" } },
                ["nodes"] = new JsonObject { ["nodes"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "1" } },
            },
        };
        await socket.SendAsync(new JsonObject
        {
            ["envelope_id"] = "env-submit", ["type"] = "interactive", ["accepts_response_payload"] = true,
            ["payload"] = new JsonObject
            {
                ["type"] = "view_submission", ["team"] = new JsonObject { ["id"] = Team },
                ["user"] = new JsonObject { ["id"] = "U0FORM", ["team_id"] = Team }, ["trigger_id"] = NewTrigger(), ["view"] = view,
            },
        });
        var submitted = await socket.ReceiveAsync(AckWithin);

        Assert.Equal("env-submit", submitted!["envelope_id"]!.GetValue<string>());
        Assert.Equal("errors", submitted["payload"]!["response_action"]!.GetValue<string>());
        Assert.StartsWith("forever is not a walltime", submitted["payload"]!["errors"]!["walltime"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await Host.SessionsOfAsync("U0FORM"));
    }

    [Fact]
    public async Task AnAppHomeOpenedEnvelope_IsAcked_ThenThePersonsTabIsPublished()
    {
        var socket = await ConnectedAsync();

        await socket.SendAsync(new JsonObject
        {
            ["envelope_id"] = "env-home", ["type"] = "events_api", ["accepts_response_payload"] = false,
            ["payload"] = new JsonObject
            {
                ["team_id"] = Team, ["api_app_id"] = "A0CONDO", ["type"] = "event_callback", ["event_id"] = "Ev0HOME",
                ["event"] = new JsonObject { ["type"] = "app_home_opened", ["user"] = "U0HOME", ["channel"] = "D0HOME", ["tab"] = "home" },
            },
        });
        var ack = await socket.ReceiveAsync(AckWithin);

        Assert.Equal("env-home", ack!["envelope_id"]!.GetValue<string>());
        var published = await Slack.WaitForCallAsync("views.publish", c => c.Field("user_id") == "U0HOME", TimeSpan.FromSeconds(5));
        Assert.Contains(published.Buttons, b => b.ActionId == Buttons.StartForm);
    }

    [Fact]
    public async Task AnAppHomeOpenedEnvelope_IsOnDiskAsDue_BeforeItIsAcked_SoSlackBeingDownLosesNothing()
    {
        var socket = await ConnectedAsync();
        Slack.Script("views.publish", new FakeAnswer.RateLimited(60));
        Host.ChatState.Delay = TimeSpan.FromMilliseconds(400);

        await socket.SendAsync(new JsonObject
        {
            ["envelope_id"] = "env-home-due", ["type"] = "events_api", ["accepts_response_payload"] = false,
            ["payload"] = new JsonObject
            {
                ["team_id"] = Team, ["api_app_id"] = "A0CONDO", ["type"] = "event_callback", ["event_id"] = "Ev0HOMEDUE",
                ["event"] = new JsonObject { ["type"] = "app_home_opened", ["user"] = "U0HOMEDUE", ["channel"] = "D0HOMEDUE", ["tab"] = "home" },
            },
        });
        var ack = await socket.ReceiveAsync(AckWithin);

        Assert.Equal("env-home-due", ack!["envelope_id"]!.GetValue<string>());
        Assert.NotNull(await Host.ChatState.GetAsync(HomeRefreshes.DueKey(SlackUser.Id(Team, "U0HOMEDUE")), CancellationToken.None));
    }
}
