using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using CondoBot.Core.Handling;
using CondoBot.Slack.Messages;
using CondoBot.Slack.Tests.Fakes;
using static CondoBot.Slack.Tests.Fakes.SignedRequests;

namespace CondoBot.Slack.Tests;

/// <summary>
/// <c>/condo</c> or <c>/condo start</c> without flags opens the start form (<c>views.open</c> with the command's
/// trigger id, within Slack's 3 s); its <c>view_submission</c> is checked field by field, and an accepted one takes the
/// typed command's path. Every view is held to Block Kit's limits by the fake Slack.
/// </summary>
public sealed class StartFormTests(SlackHostFixture fixture) : IClassFixture<SlackHostFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private readonly SlackHost _host = fixture.Host;
    private readonly FakeSlack _slack = fixture.Slack;

    private static string NewUser() => "U" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    /// <summary>Sends <c>/condo TEXT</c> and answers the form Slack was asked to open for it, and the command's reply.</summary>
    private async Task<(JsonObject View, string Reply)> OpenAsync(string user, string text = "start")
    {
        var trigger = NewTrigger();
        var clock = Stopwatch.StartNew();
        using var response = await _client.SendAsync(Post("/slack/commands", CommandBody(text, user, trigger)));
        var open = await _slack.WaitForCallAsync("views.open", c => c.Field("trigger_id") == trigger, TimeSpan.FromSeconds(3));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"views.open came {clock.Elapsed} after the command");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        return (open.Body["view"]!.AsObject(), reply);
    }

    private static JsonObject Submission(JsonObject view, string user, string trigger, Dictionary<string, string?> typed) =>
        FormPayloads.Submission(view, user, trigger, typed);

    private async Task<JsonObject> SubmitAsync(JsonObject payload)
    {
        using var response = await _client.SendAsync(Post("/slack/interactivity", ClickBody(payload)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static string? Initial(JsonObject view, string blockId)
    {
        var element = view["blocks"]!.AsArray().Single(b => b!["block_id"]?.GetValue<string>() == blockId)!["element"]!;
        return element["initial_value"]?.GetValue<string>() ?? element["initial_option"]?["value"]?.GetValue<string>();
    }

    [Theory]
    [InlineData("start")]
    [InlineData("")]
    [InlineData("START")]
    public async Task StartWithoutFlags_OpensTheForm_WithTheCommandsTriggerId_AndStartsNothing(string text)
    {
        var user = NewUser();
        await _host.LinkAsync(user);

        var (view, reply) = await OpenAsync(user, text);

        Assert.Equal("modal", view["type"]!.GetValue<string>());
        Assert.Equal(StartForm.CallbackId, view["callback_id"]!.GetValue<string>());
        Assert.Equal(["cluster", "account.local", "account_other", "partition", "walltime", "nodes", "gpus", "idle.local"],
            view["blocks"]!.AsArray().Select(b => b!["block_id"]!.GetValue<string>()));
        Assert.Contains("start form is open", reply, StringComparison.Ordinal);
        Assert.Empty(await _host.SessionsOfAsync(user));
        Assert.Empty(_slack.Violations);
    }

    [Fact]
    public async Task TheForm_IsPrefilledWithThePersonsLastChoices_AndOffersTheirRecentAccounts()
    {
        var user = NewUser();
        await _host.LinkAsync(user);
        var dispatcher = _host.Get<CommandDispatcher>();
        var me = SlackUser.Id(Team, user);
        await dispatcher.DispatchAsync(new ChatRequest(me, "start -A older -t 30"), CancellationToken.None);
        await Task.Delay(20);
        await dispatcher.DispatchAsync(new ChatRequest(me, "start -A cnms -t 2:00:00 -n 2 --gpus 1 --partition short"), CancellationToken.None);

        var (view, _) = await OpenAsync(user);

        Assert.Equal("local", Initial(view, "cluster"));
        Assert.Equal("cnms", Initial(view, "account.local"));
        Assert.Equal("short", Initial(view, "partition"));
        Assert.Equal("02:00:00", Initial(view, "walltime"));
        Assert.Equal("2", Initial(view, "nodes"));
        Assert.Equal("1", Initial(view, "gpus"));
        var accounts = view["blocks"]![1]!["element"]!["options"]!.AsArray().Select(o => o!["value"]!.GetValue<string>());
        Assert.Equal([StartForm.DefaultAccount, "cnms", "older"], accounts);
    }

    [Fact]
    public async Task AnAcceptedForm_StartsTheSameSessionTheTypedCommandWould_AndShowsItsReply()
    {
        var (formUser, typedUser) = (NewUser(), NewUser());
        await _host.LinkAsync(formUser);
        await _host.LinkAsync(typedUser);
        var (view, _) = await OpenAsync(formUser);

        var answer = await SubmitAsync(Submission(view, formUser, NewTrigger(), new()
        {
            ["account_other"] = "cnms", ["partition"] = "short", ["walltime"] = "1:30:00", ["nodes"] = "2", ["gpus"] = "1",
        }));
        using var typed = await _client.SendAsync(Post("/slack/commands", CommandBody("start --cluster local -A cnms --partition short -t 1:30:00 -n 2 --gpus 1", typedUser)));

        Assert.Equal("update", answer["response_action"]!.GetValue<string>());
        var shown = answer["view"]!["blocks"]![0]!["text"]!["text"]!.GetValue<string>();
        Assert.StartsWith("Submitting JupyterLab on local as condouser (account cnms, partition short, 2 nodes, 1 GPU per node, 1 h 30 min)", shown, StringComparison.Ordinal);
        Assert.Empty(BlockKitLimits.OfView(answer["view"]));
        var fromForm = Assert.Single(await _host.SessionsOfAsync(formUser));
        var fromTyping = Assert.Single(await _host.SessionsOfAsync(typedUser));
        Assert.Equal(
            (fromTyping.Cluster, fromTyping.Account, fromTyping.Partition, fromTyping.Nodes, fromTyping.Walltime, fromTyping.Gpus, fromTyping.LocalPort),
            (fromForm.Cluster, fromForm.Account, fromForm.Partition, fromForm.Nodes, fromForm.Walltime, fromForm.Gpus, fromForm.LocalPort));
        Assert.Contains(_host.Work.Steps, s => s.Step == "submit" && s.Session == fromForm.Id);
    }

    [Fact]
    public async Task WrongFields_AreEachNamedInTheForm_AndNothingStarts()
    {
        var user = NewUser();
        await _host.LinkAsync(user);
        var (view, _) = await OpenAsync(user);

        var answer = await SubmitAsync(Submission(view, user, NewTrigger(), new()
        {
            ["walltime"] = "2h", ["nodes"] = "0", ["gpus"] = "many", ["partition"] = "a b", ["account_other"] = "cnms;rm",
        }));

        Assert.Equal("errors", answer["response_action"]!.GetValue<string>());
        var errors = answer["errors"]!.AsObject();
        Assert.Equal(["account_other", "gpus", "nodes", "partition", "walltime"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.StartsWith("2h is not a walltime: use MM, MM:SS", errors["walltime"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("0 is not a node count: use a whole number from 1 to 64", errors["nodes"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("many is not a GPU count", errors["gpus"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("One word only: no spaces.", errors["partition"]!.GetValue<string>());
        Assert.StartsWith("cnms;rm is not a Slurm account name", errors["account_other"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await _host.SessionsOfAsync(user));
    }

    [Fact]
    public async Task AnEmptyWalltime_IsAskedFor()
    {
        var user = NewUser();
        await _host.LinkAsync(user);
        var (view, _) = await OpenAsync(user);

        var answer = await SubmitAsync(Submission(view, user, NewTrigger(), new() { ["walltime"] = null }));

        Assert.Equal("Give a walltime.", answer["errors"]!["walltime"]!.GetValue<string>());
    }

    [Fact]
    public async Task ASubmissionDeliveredTwice_StartsOneSession()
    {
        var user = NewUser();
        await _host.LinkAsync(user);
        var (view, _) = await OpenAsync(user);
        var payload = Submission(view, user, NewTrigger(), []);

        var first = await SubmitAsync(payload);
        var again = await SubmitAsync(payload);

        Assert.Equal(first.ToJsonString(), again.ToJsonString());
        var session = Assert.Single(await _host.SessionsOfAsync(user));
        Assert.Single(_host.Work.Steps, s => s.Step == "submit" && s.Session == session.Id);
    }

    [Fact]
    public async Task AFormFromSomeoneWithoutALinkedLogin_ShowsTheTypedCommandsAnswer()
    {
        var user = NewUser();
        var (view, _) = await OpenAsync(user);

        var answer = await SubmitAsync(Submission(view, user, NewTrigger(), []));

        var shown = answer["view"]!["blocks"]![0]!["text"]!["text"]!.GetValue<string>();
        Assert.StartsWith("You have not linked a cluster login yet", shown, StringComparison.Ordinal);
    }
}

/// <summary>The fake's Block Kit check itself: a view past Slack's limits is reported, not passed.</summary>
public sealed class BlockKitLimitsTests
{
    [Fact]
    public void AViewPastSlacksLimits_IsReportedForEachLimit()
    {
        var blocks = new JsonArray([.. Enumerable.Range(0, 101).Select(i => (JsonNode)new JsonObject
        {
            ["type"] = "section", ["block_id"] = "b" + i, ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = "x" },
        })]);
        var view = new JsonObject
        {
            ["type"] = "modal",
            ["title"] = new JsonObject { ["type"] = "plain_text", ["text"] = "A title longer than twenty-four" },
            ["blocks"] = blocks,
        };

        var problems = BlockKitLimits.OfView(view).ToList();

        Assert.Contains(problems, p => p.StartsWith("title is 31 characters", StringComparison.Ordinal));
        Assert.Contains("101 blocks, most 100", problems);
    }

    [Fact]
    public void TheStartForm_WithAHundredClustersAndLongAccountNames_StaysWithinSlacksLimits()
    {
        var cluster = new Core.Clusters.ClusterProfile { Name = "cluster3", IdleAfter = TimeSpan.FromMinutes(45) };
        foreach (var i in Enumerable.Range(0, 120)) cluster.Environments["env" + i] = new Core.Clusters.ClusterEnvironment { Description = new string('d', 200) };
        var choices = new Core.Sessions.StartChoices(
            cluster, [.. Enumerable.Range(0, 30).Select(i => new string('a', 60) + i)], null, null, Core.Commands.Walltime.Default, 1, 0, null, TimeSpan.FromSeconds(4000));
        var partitions = new Core.Clusters.PartitionList(
            [.. Enumerable.Range(0, 150).Select(i => new Core.Clusters.ClusterPartition(new string('p', 70) + i, 3, 8, TimeSpan.FromDays(2), i == 0))], null);
        var defaults = new StartFormDefaults([.. Enumerable.Range(0, 150).Select(i => "cluster" + i)], choices);

        Assert.Empty(BlockKitLimits.OfView(StartForm.Render(defaults)));
        Assert.Empty(BlockKitLimits.OfView(StartForm.Render(defaults with { Partitions = partitions })));
        Assert.Empty(BlockKitLimits.OfView(StartForm.Render(defaults with { Partitions = Core.Clusters.PartitionList.Without(new string('x', 5000)) })));
    }
}
