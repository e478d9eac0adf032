using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CondoBot.Core;
using CondoBot.Core.Sessions;
using CondoBot.Teams.Tests.Fakes;
using CondoBot.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CondoBot.Teams.Tests;

/// <summary>
/// The Teams start form's choices: the card is sent once <c>sinfo</c> has answered, with the partitions as an
/// Input.ChoiceSet (from the real local cluster), or a typed partition and the reason when the cluster cannot be
/// asked; the environments and idle settings as choices; what their submission starts; a bad value's clear answer.
/// </summary>
[Collection(nameof(InMemoryServiceCollection))]
public sealed class StartFormChoicesTests : IAsyncLifetime
{
    private FakeBotService _bot = null!;
    private TeamsApp _app = null!;

    public async Task InitializeAsync()
    {
        _bot = await FakeBotService.StartAsync();
        _app = new TeamsApp(_bot, new Dictionary<string, string>
        {
            ["Clusters:local:IdleAfter"] = "01:00:00",
            ["Clusters:local:Environments:torch:Description"] = "PyTorch 2.5 with CUDA 12",
            ["Clusters:local:Environments:rapids:Description"] = "",
        });
        _ = _app.Server;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _bot.DisposeAsync();
    }

    private static async Task<JsonNode> SendAsync(TeamsApp app, FakeBotService bot, JsonObject activity)
    {
        var response = await app.PostActivityAsync(activity, app.SignedFor(activity));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return bot.ConnectorCalls.Single(c => c.Body?["replyToId"]?.GetValue<string>() == activity["id"]!.GetValue<string>()).Body!;
    }

    private Task<JsonNode> SendAsync(JsonObject activity) => SendAsync(_app, _bot, activity);

    private static JsonObject Card(JsonNode reply) => Assert.Single(reply["attachments"]!.AsArray())!["content"]!.AsObject();

    private static JsonObject Input(JsonObject card, string id) =>
        card["body"]!.AsArray().Single(b => b!["id"]?.GetValue<string>() == id)!.AsObject();

    private static List<string> Lines(JsonObject card) => [.. card["body"]!.AsArray()
        .Where(b => b!["type"]!.GetValue<string>() == "RichTextBlock")
        .SelectMany(b => b!["inlines"]!.AsArray()).Select(r => r!["text"]!.GetValue<string>())];

    private static List<(string Value, string Title)> Choices(JsonObject input) =>
        [.. input["choices"]!.AsArray().Select(c => (c!["value"]!.GetValue<string>(), c["title"]!.GetValue<string>()))];

    private Task<IReadOnlyList<Session>> SessionsOfAsync(TestPerson person) => _app.Services.GetRequiredService<ISessionStore>()
        .ListAsync(new ChatUserId("teams", person.AadObjectId), DateTimeOffset.MinValue, CancellationToken.None);

    private async Task<TestPerson> LinkedAsync()
    {
        var person = TestPerson.New();
        await SendAsync(TestActivities.Personal(_bot.ServiceUrl, person, "key condouser3"));
        return person;
    }

    private static JsonObject Submitted(string environment = "_default", string idle = "_default", string partition = "_default") => new()
    {
        ["command"] = "startForm",
        ["cluster"] = "local",
        ["account"] = "",
        ["partition"] = partition,
        ["walltime"] = "00:30:00",
        ["nodes"] = "1",
        ["gpus"] = "0",
        ["environment"] = environment,
        ["idle"] = idle,
        ["keepAlive"] = "false",
    };

    [Fact]
    public async Task TheCard_OffersTheEnvironmentsWithTheirDescriptions_AndTheIdleSettings_AsChoices()
    {
        var card = Card(await SendAsync(TestActivities.Personal(_bot.ServiceUrl, await LinkedAsync(), "start")));

        Assert.Equal(
            """{"type":"Input.ChoiceSet","id":"environment","label":"Environment","style":"compact","isRequired":true,"value":"_default","choices":[{"title":"None: the cluster\u0027s own setup","value":"_default"},{"title":"rapids","value":"rapids"},{"title":"torch \u2014 PyTorch 2.5 with CUDA 12","value":"torch"}]}""",
            Input(card, "environment").ToJsonString());
        Assert.Equal(
            [("_default", "The cluster's default: ask after 1 h"), ("off", "Off: never ask"), ("30m", "Ask after 30 min idle"), ("1h", "Ask after 1 h idle"),
             ("2h", "Ask after 2 h idle"), ("4h", "Ask after 4 h idle"), ("8h", "Ask after 8 h idle")],
            Choices(Input(card, "idle")));
    }

    [Fact]
    public async Task WhenTheClusterCannotBeAsked_ThePartitionIsTyped_AndTheCardSaysWhy()
    {
        var card = Card(await SendAsync(TestActivities.Personal(_bot.ServiceUrl, await LinkedAsync(), "start")));

        Assert.Equal("Input.Text", Input(card, "partition")["type"]!.GetValue<string>());
        Assert.Contains(Lines(card), l => l.StartsWith("local could not be asked for its partitions (", StringComparison.Ordinal)
            && l.EndsWith("): type a partition, or leave it empty for the cluster's default.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASubmittedEnvironmentAndIdleTime_StartWhatTheTypedCommandStarts()
    {
        var (formPerson, typingPerson) = (await LinkedAsync(), await LinkedAsync());

        var viaForm = await SendAsync(TestActivities.CardSubmit(_bot.ServiceUrl, formPerson, Submitted(environment: "torch", idle: "2h")));
        var typed = await SendAsync(TestActivities.Personal(_bot.ServiceUrl, typingPerson, "start --cluster local -t 00:30:00 -n 1 --gpus 0 --env torch --idle 2h"));

        Assert.Equal(typed["text"]!.GetValue<string>(), viaForm["text"]!.GetValue<string>());
        var fromForm = Assert.Single(await SessionsOfAsync(formPerson));
        var fromTyping = Assert.Single(await SessionsOfAsync(typingPerson));
        Assert.Equal(("torch", TimeSpan.FromHours(2)), (fromForm.Environment, fromForm.IdleAfter));
        Assert.Equal((fromTyping.Environment, fromTyping.IdleAfter, fromTyping.Walltime), (fromForm.Environment, fromForm.IdleAfter, fromForm.Walltime));
    }

    [Fact]
    public async Task ABadIdleValue_AndAnEnvironmentTheClusterLacks_ComeBackInTheCard_SayingWhatIsAccepted()
    {
        var person = await LinkedAsync();

        var card = Card(await SendAsync(TestActivities.CardSubmit(_bot.ServiceUrl, person, Submitted(environment: "nope", idle: "forever"))));

        var lines = Lines(card);
        Assert.Contains("Nothing was started: fix the fields marked below and press Start again.", lines);
        Assert.Contains(lines, l => l.StartsWith("When JupyterLab sits idle: `forever` is not an idle time: use `off`, or a number with s, m, h or d", StringComparison.Ordinal));
        Assert.Contains("Environment: local has no environment `nope`; choose one of rapids, torch.", lines);
        Assert.Empty(await SessionsOfAsync(person));
    }

    [Fact]
    public async Task TheCard_IsPrefilledWithTheLastEnvironmentAndIdleSetting()
    {
        var person = await LinkedAsync();
        await SendAsync(TestActivities.Personal(_bot.ServiceUrl, person, "start --env torch --idle off -t 45"));

        var card = Card(await SendAsync(TestActivities.Personal(_bot.ServiceUrl, person, "start")));

        Assert.Equal(("torch", "off", "00:45:00"),
            (Input(card, "environment")["value"]!.GetValue<string>(), Input(card, "idle")["value"]!.GetValue<string>(), Input(card, "walltime")["value"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OnTheRealCluster_TheCardIsSentAfterSinfo_WithThePartitionsAsChoices()
    {
        var cluster = LocalCluster.Get();
        await using var bot = await FakeBotService.StartAsync();
        await using var app = new TeamsApp(bot, new Dictionary<string, string>
        {
            ["Clusters:local:HostKeySha256"] = cluster.HostKeySha256,
            ["Clusters:local:LoginHost"] = cluster.LoginHost,
            ["Clusters:local:LoginPort"] = cluster.LoginPort.ToString(CultureInfo.InvariantCulture),
        });
        var person = TestPerson.New();
        var linked = await SendAsync(app, bot, TestActivities.Personal(bot.ServiceUrl, person, "key condouser3"));
        using var key = AuthorizedKey.Install("condouser3", linked["text"]!.GetValue<string>());

        var partition = await PartitionInputAsync(app, bot, person);

        var choices = Choices(partition);
        Assert.Equal(["_default", "debug", "short"], choices.Select(c => c.Value));
        Assert.Equal("The cluster's default (debug)", choices[0].Title);
        // The node is shared with every other test on the machine: it may be running someone's job just now.
        Assert.Matches("^debug — [01] of 1 node idle, up to 12 h$", choices[1].Title);
        Assert.Matches("^short — [01] of 1 node idle, up to 10 min$", choices[2].Title);
    }

    /// <summary>
    /// Asks for the form until its partitions came from the login node. The site's sshd turns away every connection
    /// from loopback for a while after failed logins (OpenSSH's per-source penalties), which other tests on the
    /// machine cause on purpose; such a refusal shows in the card like any unreachable login node.
    /// </summary>
    private static async Task<JsonObject> PartitionInputAsync(TeamsApp app, FakeBotService bot, TestPerson person)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var card = Card(await SendAsync(app, bot, TestActivities.Personal(bot.ServiceUrl, person, "start")));
            var partition = Input(card, "partition");
            if (partition["type"]!.GetValue<string>() == "Input.ChoiceSet") return partition;
            Assert.True(Lines(card).Any(l => l.Contains("Could not reach the login node", StringComparison.Ordinal)) && DateTime.UtcNow < deadline, string.Join('\n', Lines(card)));
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }
}
