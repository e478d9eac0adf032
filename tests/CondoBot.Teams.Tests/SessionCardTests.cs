using System.Text.Json.Nodes;
using CondoBot.Core.Sessions;
using CondoBot.Teams.Notifying;
using CondoBot.Teams.Tests.Fakes;

namespace CondoBot.Teams.Tests;

public sealed class SessionCardTests
{
    private static IEnumerable<JsonNode> Runs(JsonObject card) =>
        card["body"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "RichTextBlock").SelectMany(b => b!["inlines"]!.AsArray()!)!;

    [Fact]
    public void AReadyCard_ShowsTheCommandsVerbatim_TheUrl_AndRenewAndStopButtonsCarryingTheJobId()
    {
        var card = SessionCard.Card(Sessions.View(SessionState.Ready, node: "node001"), Sessions.Tunnel());

        var code = Runs(card).Where(r => r["fontType"]?.GetValue<string>() == "Monospace").Select(r => r["text"]!.GetValue<string>()).ToList();
        Assert.Equal(["ssh -N -p 2222 -L 5959:node001:23456 condo_user3@127.0.0.1", "http://localhost:5959/lab?token=0123456789abcdef"], code);
        var actions = card["actions"]!.AsArray();
        Assert.Contains(actions, a => a!["type"]!.GetValue<string>() == "Action.OpenUrl" && a["url"]!.GetValue<string>() == Sessions.Tunnel().Url);
        var buttons = actions.Where(a => a!["type"]!.GetValue<string>() == "Action.Submit").ToList();
        Assert.Equal(["Renew", "Stop"], buttons.Select(b => b!["title"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["command"] = "renew", ["job"] = "4242" }, buttons[0]!["data"]));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["command"] = "stop", ["job"] = "4242" }, buttons[1]!["data"]));
        Assert.Equal("1.4", card["version"]!.GetValue<string>());
    }

    [Fact]
    public void TheSummaryTeamsShowsInNotifications_CarriesNoToken_WhichIsOnlyInTheCard()
    {
        var activity = SessionCard.Activity(Sessions.View(SessionState.Ready, node: "node001"), Sessions.Tunnel());

        Assert.DoesNotContain("token=", activity["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(activity["text"]);
        Assert.Contains("token=0123456789abcdef", activity["attachments"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AReadyCardWithAFollowOnQueued_OffersNoSecondRenew()
    {
        var card = SessionCard.Card(Sessions.View(SessionState.Ready, node: "node001") with { HasFollowOn = true }, Sessions.Tunnel());

        Assert.DoesNotContain(card["actions"]!.AsArray(), a => a!["title"]!.GetValue<string>() == "Renew");
        Assert.Contains(card["actions"]!.AsArray(), a => a!["title"]!.GetValue<string>() == "Stop");
    }

    [Fact]
    public void AQueuedCard_HasAStopButton_ButNoCommandsYet()
    {
        var card = SessionCard.Card(Sessions.View(SessionState.Queued), null);

        Assert.DoesNotContain(Runs(card), r => r["fontType"] is not null);
        Assert.Single(card["actions"]!.AsArray());
    }

    [Theory]
    [InlineData(SessionState.Ended)]
    [InlineData(SessionState.Stopping)]
    public void AStoppingOrEndedCard_HasNoButtons_AndNoToken(SessionState state)
    {
        var card = SessionCard.Card(Sessions.View(state, ended: state == SessionState.Ended ? EndReason.WalltimeReached : null), Sessions.Tunnel());

        Assert.Null(card["actions"]);
        Assert.DoesNotContain("token=", card.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ACardForAJobSlurmRefused_SaysWhySlurmRefusedIt()
    {
        var view = Sessions.View(SessionState.Ended, ended: EndReason.RejectedBySlurm) with
        {
            EndDetail = "sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified",
        };

        var card = SessionCard.Card(view, null);

        Assert.Contains(Runs(card), r => r["text"]!.GetValue<string>() == view.EndDetail);
    }
}
