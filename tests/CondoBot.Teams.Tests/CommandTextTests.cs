using System.Text.Json;
using CondoBot.Teams.Activities;
using CondoBot.Teams.Tests.Fakes;

namespace CondoBot.Teams.Tests;

public sealed class CommandTextTests
{
    private static readonly TestPerson Person = TestPerson.New();

    private static Activity Parse(System.Text.Json.Nodes.JsonObject json) =>
        JsonSerializer.Deserialize<Activity>(json.ToJsonString(), ConnectorJson.Options)!;

    [Theory]
    [InlineData("start -A cnms -t 2:00:00", "start -A cnms -t 2:00:00")]
    [InlineData("  status \n", "status")]
    [InlineData("/condo help", "/condo help")]
    public void AMessageInA1To1Chat_IsTheCommandAsTyped(string typed, string expected) =>
        Assert.Equal(expected, CommandText.From(Parse(TestActivities.Personal("https://s/", Person, typed))));

    [Fact]
    public void TheBotsOwnMention_IsRemoved_BeforeParsing()
    {
        var activity = TestActivities.InChannel("https://s/", Person, "start -A cnms");

        Assert.Equal("start -A cnms", CommandText.From(Parse(activity)));
    }

    [Fact]
    public void MentionsOfOtherPeople_AreLeftInTheText()
    {
        var json = TestActivities.InChannel("https://s/", Person, "status <at>Grace</at>");
        json["entities"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "mention",
            ["text"] = "<at>Grace</at>",
            ["mentioned"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "29:grace" },
        });

        Assert.Equal("status <at>Grace</at>", CommandText.From(Parse(json)));
    }

    [Fact]
    public void HtmlEntitiesAndNonBreakingSpaces_FromTeams_AreDecoded()
    {
        var activity = TestActivities.InChannel("https://s/", Person, "start&nbsp;-A&nbsp;cnms");

        Assert.Equal("start -A cnms", CommandText.From(Parse(activity)));
    }

    [Fact]
    public void TheCardsStopButton_BecomesStopWithItsJobId()
    {
        var activity = TestActivities.CardSubmit("https://s/", Person, new System.Text.Json.Nodes.JsonObject { ["command"] = "stop", ["job"] = "4242" });

        Assert.Equal("stop 4242", CommandText.From(Parse(activity)));
    }

    [Fact]
    public void ARenewButton_BecomesRenewWithItsJobId()
    {
        var activity = TestActivities.CardSubmit("https://s/", Person, new System.Text.Json.Nodes.JsonObject { ["command"] = "renew", ["job"] = "4242" });

        Assert.Equal("renew 4242", CommandText.From(Parse(activity)));
    }

    [Theory]
    [InlineData("""{"command":"start","job":"4242"}""")]
    [InlineData("""{"command":"renew","job":"4242 --keep-alive"}""")]
    [InlineData("""{"command":"startForm","account":"cnms"}""")]
    [InlineData("""{"command":"stop","job":"42; rm -rf ~"}""")]
    [InlineData("""{"command":"stop","job":4242}""")]
    [InlineData("""{"command":"stop"}""")]
    public void AnyOtherSubmittedData_IsIgnored(string data)
    {
        var activity = TestActivities.CardSubmit("https://s/", Person, System.Text.Json.Nodes.JsonNode.Parse(data)!);

        Assert.Null(CommandText.From(Parse(activity)));
    }
}
