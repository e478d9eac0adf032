using System.Net;
using System.Text.Json.Nodes;
using CondoBot.Core;
using CondoBot.Core.Sessions;
using CondoBot.Teams.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace CondoBot.Teams.Tests;

/// <summary>
/// The start form on Teams, through the real service with signed activities and the fake Connector: a bare
/// <c>start</c> in the 1:1 chat is answered with the form card, and its submission (a message activity whose
/// <c>value</c> carries the inputs) either starts exactly what the typed command starts or comes back with per-field messages.
/// </summary>
[Collection(nameof(InMemoryServiceCollection))]
public sealed class StartFormTests(TeamsFixture fixture) : IClassFixture<TeamsFixture>
{
    private FakeBotService Bot => fixture.Bot;

    private TeamsApp App => fixture.App;

    /// <summary>Posts the activity and answers the one message the bot sent in reply to it.</summary>
    private async Task<JsonNode> SendAsync(JsonObject activity)
    {
        var response = await App.PostActivityAsync(activity, App.SignedFor(activity));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Bot.ConnectorCalls.Single(c => c.Body?["replyToId"]?.GetValue<string>() == activity["id"]!.GetValue<string>()).Body!;
    }

    private static JsonObject Card(JsonNode reply)
    {
        var attachment = Assert.Single(reply["attachments"]!.AsArray())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.GetValue<string>());
        return attachment["content"]!.AsObject();
    }

    private static JsonObject Input(JsonObject card, string id) =>
        card["body"]!.AsArray().Single(b => b!["id"]?.GetValue<string>() == id)!.AsObject();

    private static IEnumerable<string> Lines(JsonObject card) => card["body"]!.AsArray()
        .Where(b => b!["type"]!.GetValue<string>() == "RichTextBlock")
        .SelectMany(b => b!["inlines"]!.AsArray()).Select(r => r!["text"]!.GetValue<string>());

    private Task<IReadOnlyList<Session>> SessionsOfAsync(TestPerson person) => App.Services.GetRequiredService<ISessionStore>()
        .ListAsync(new ChatUserId("teams", person.AadObjectId), DateTimeOffset.MinValue, CancellationToken.None);

    /// <summary>The form as Teams submits it: the Start button's data with every input's value merged in, as strings.</summary>
    private static JsonObject Submitted(string account = "", string partition = "", string walltime = "00:30:00", string nodes = "1", string gpus = "0", string cluster = "local", string keepAlive = "false") => new()
    {
        ["command"] = "startForm",
        ["cluster"] = cluster,
        ["account"] = account,
        ["partition"] = partition,
        ["walltime"] = walltime,
        ["nodes"] = nodes,
        ["gpus"] = gpus,
        ["keepAlive"] = keepAlive,
    };

    private async Task<TestPerson> LinkedAsync()
    {
        var person = TestPerson.New();
        await SendAsync(TestActivities.Personal(Bot.ServiceUrl, person, "key condouser3"));
        return person;
    }

    [Fact]
    public async Task ABareStartInThe1To1Chat_IsAnsweredWithTheForm_PrefilledWithTheClustersDefaults_AndStartsNothing()
    {
        var person = await LinkedAsync();

        var card = Card(await SendAsync(TestActivities.Personal(Bot.ServiceUrl, person, "start")));

        var cluster = Input(card, "cluster");
        Assert.Equal("Input.ChoiceSet", cluster["type"]!.GetValue<string>());
        Assert.Equal(["local"], cluster["choices"]!.AsArray().Select(c => c!["value"]!.GetValue<string>()));
        Assert.Equal("local", cluster["value"]!.GetValue<string>());
        foreach (var id in new[] { "account", "partition", "walltime", "nodes", "gpus" }) Assert.Equal("Input.Text", Input(card, id)["type"]!.GetValue<string>());
        Assert.Equal("00:30:00", Input(card, "walltime")["value"]!.GetValue<string>());
        Assert.Equal("1", Input(card, "nodes")["value"]!.GetValue<string>());
        var start = Assert.Single(card["actions"]!.AsArray())!;
        Assert.Equal("Action.Submit", start["type"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["command"] = "startForm" }, start["data"]));
        Assert.Empty(await SessionsOfAsync(person));
    }

    [Fact]
    public async Task ASubmittedForm_StartsWhatTheTypedCommandStarts_AndAnswersTheSame()
    {
        var formPerson = await LinkedAsync();
        var typingPerson = await LinkedAsync();

        var viaForm = await SendAsync(TestActivities.CardSubmit(Bot.ServiceUrl, formPerson, Submitted(account: "cnms", walltime: "1:30:00", nodes: "2", gpus: "1")));
        var typed = await SendAsync(TestActivities.Personal(Bot.ServiceUrl, typingPerson, "start --cluster local -A cnms -t 1:30:00 -n 2 --gpus 1"));

        Assert.StartsWith("Submitting JupyterLab on local as condouser3 (account cnms, 2 nodes, 1 GPU per node", viaForm["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(typed["text"]!.GetValue<string>(), viaForm["text"]!.GetValue<string>());
        var fromForm = Assert.Single(await SessionsOfAsync(formPerson));
        var fromTyping = Assert.Single(await SessionsOfAsync(typingPerson));
        Assert.Equal((fromTyping.Cluster, fromTyping.Account, fromTyping.Partition, fromTyping.Nodes, fromTyping.Gpus, fromTyping.Walltime, fromTyping.KeepAlive),
            (fromForm.Cluster, fromForm.Account, fromForm.Partition, fromForm.Nodes, fromForm.Gpus, fromForm.Walltime, fromForm.KeepAlive));
    }

    [Fact]
    public async Task ASubmittedForm_IsReplacedByWhatItSent_SoItCannotBePressedTwice()
    {
        var person = await LinkedAsync();
        var form = TestActivities.CardSubmit(Bot.ServiceUrl, person, Submitted(account: "cnms"));
        form["replyToId"] = "activity-form-1";

        await SendAsync(form);

        var update = Bot.ConnectorCalls.Single(c => c.Method == "PUT" && c.Path.EndsWith("/activities/activity-form-1", StringComparison.Ordinal));
        var card = Card(update.Body!);
        Assert.Null(card["actions"]);
        Assert.Contains("Sent: start --cluster local -A cnms -t 00:30:00 -n 1 --gpus 0", Lines(card));
        Assert.Single(await SessionsOfAsync(person));
    }

    [Fact]
    public async Task AFormWithBadFields_ComesBackWithAMessageNamingEachField_KeepsWhatWasEntered_AndStartsNothing()
    {
        var person = await LinkedAsync();

        var reply = await SendAsync(TestActivities.CardSubmit(Bot.ServiceUrl, person, Submitted(account: "my acct", walltime: "soon", nodes: "two", gpus: "1")));

        var card = Card(reply);
        var lines = Lines(card).ToList();
        Assert.Contains("Nothing was started: fix the fields marked below and press Start again.", lines);
        Assert.Contains(lines, l => l.StartsWith("Account: `my acct` has a space in it", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Walltime: `soon` is not a walltime: use MM, MM:SS, HH:MM:SS", StringComparison.Ordinal));
        Assert.Contains("Nodes: `two` is not a node count: use a whole number from 1 to 64.", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("GPUs", StringComparison.Ordinal));
        Assert.Equal("soon", Input(card, "walltime")["value"]!.GetValue<string>());
        Assert.Equal("1", Input(card, "gpus")["value"]!.GetValue<string>());
        Assert.Empty(await SessionsOfAsync(person));
    }

    [Fact]
    public async Task AFormNamingAClusterThatIsNotConfigured_SaysWhichClustersThereAre()
    {
        var person = await LinkedAsync();

        var lines = Lines(Card(await SendAsync(TestActivities.CardSubmit(Bot.ServiceUrl, person, Submitted(cluster: "elsewhere"))))).ToList();

        Assert.Contains("Cluster: there is no cluster named `elsewhere`; choose one of local.", lines);
        Assert.Empty(await SessionsOfAsync(person));
    }

    [Fact]
    public async Task TheForm_IsPrefilledWithThePersonsLastChoices()
    {
        var person = await LinkedAsync();
        await SendAsync(TestActivities.Personal(Bot.ServiceUrl, person, "start -A cnms --partition debug -t 2:00:00 -n 3"));

        var card = Card(await SendAsync(TestActivities.Personal(Bot.ServiceUrl, person, "start")));

        Assert.Equal("cnms", Input(card, "account")["value"]!.GetValue<string>());
        Assert.Equal("debug", Input(card, "partition")["value"]!.GetValue<string>());
        Assert.Equal("02:00:00", Input(card, "walltime")["value"]!.GetValue<string>());
        Assert.Equal("3", Input(card, "nodes")["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task ABareStartInAChannel_IsTheTypedCommand_NotTheForm()
    {
        var person = TestPerson.New();

        var reply = await SendAsync(TestActivities.InChannel(Bot.ServiceUrl, person, "start"));

        Assert.Null(reply["attachments"]);
        Assert.StartsWith("You have not linked a cluster login yet.", reply["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
