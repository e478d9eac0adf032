using System.Net;
using System.Text.Json.Nodes;
using CondoBot.Core.Handling;
using CondoBot.Slack.Tests.Fakes;
using static CondoBot.Slack.Tests.Fakes.SignedRequests;

namespace CondoBot.Slack.Tests;

/// <summary>
/// The start form on a site of two clusters, one with environments and an idle default: the environment and idle
/// selects, what a submission of them starts, their field errors, and the last choices per cluster, which another
/// cluster's choice in the open form redraws.
/// </summary>
public sealed class StartFormChoicesTests : IAsyncLifetime
{
    private FakeSlack _slack = null!;
    private SlackHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlack.StartAsync();
        _host = new SlackHost(_slack, settings: new Dictionary<string, string>
        {
            ["Clusters:Default"] = "local",
            ["Clusters:local:IdleAfter"] = "01:00:00",
            ["Clusters:local:Environments:torch:Description"] = "PyTorch 2.5 with CUDA 12",
            ["Clusters:local:Environments:rapids:Description"] = "",
            ["Clusters:other:HostKeySha256"] = "SHA256:" + new string('B', 43),
            ["Clusters:other:LoginHost"] = "127.0.0.1",
            ["Clusters:other:LoginPort"] = "1",
        });
        _client = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await _slack.DisposeAsync();
        Assert.Empty(_slack.Violations);
    }

    private static string NewUser() => "U" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    private async Task<JsonObject> OpenAsync(string user)
    {
        var trigger = NewTrigger();
        using var response = await _client.SendAsync(Post("/slack/commands", CommandBody("start", user, trigger)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var open = await _slack.WaitForCallAsync("views.open", c => c.Field("trigger_id") == trigger, TimeSpan.FromSeconds(3));
        return open.Answer!["view"]!.AsObject();
    }

    private async Task<JsonObject> SubmitAsync(JsonObject view, string user, Dictionary<string, string?> typed)
    {
        using var response = await _client.SendAsync(Post("/slack/interactivity", ClickBody(FormPayloads.Submission(view, user, NewTrigger(), typed))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static JsonNode Element(JsonObject view, string blockId) => StartFormPartitionTests.Block(view, blockId)["element"]!;

    private static string? Initial(JsonObject view, string blockId) =>
        Element(view, blockId)["initial_value"]?.GetValue<string>() ?? Element(view, blockId)["initial_option"]?["value"]?.GetValue<string>();

    private async Task StartAsync(string user, string text) =>
        await _host.Get<CommandDispatcher>().DispatchAsync(new ChatRequest(SlackUser.Id(Team, user), text), CancellationToken.None);

    [Fact]
    public async Task OnAClusterWithEnvironments_TheFormOffersEachWithItsDescription_AndTheIdleChoices()
    {
        var view = await OpenAsync(NewUser());

        Assert.Equal(
            """{"type":"static_select","action_id":"environment.local","options":[{"text":{"type":"plain_text","text":"None: the cluster\u0027s own setup"},"value":"_default"},{"text":{"type":"plain_text","text":"rapids"},"value":"rapids"},{"text":{"type":"plain_text","text":"torch"},"value":"torch","description":{"type":"plain_text","text":"PyTorch 2.5 with CUDA 12"}}],"initial_option":{"text":{"type":"plain_text","text":"None: the cluster\u0027s own setup"},"value":"_default"}}""",
            Element(view, "environment.local").ToJsonString());
        var idle = Element(view, "idle.local");
        Assert.Equal(
            [("_default", "The cluster's default: ask after 1 h"), ("off", "Off: never ask"), ("30m", "Ask after 30 min idle"), ("1h", "Ask after 1 h idle"),
             ("2h", "Ask after 2 h idle"), ("4h", "Ask after 4 h idle"), ("8h", "Ask after 8 h idle")],
            idle["options"]!.AsArray().Select(o => (o!["value"]!.GetValue<string>(), o["text"]!["text"]!.GetValue<string>())));
        Assert.Equal("_default", idle["initial_option"]!["value"]!.GetValue<string>());
        Assert.True(StartFormPartitionTests.Block(view, "cluster")["dispatch_action"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AFormWithAnEnvironmentAndAnIdleTime_StartsWhatTheTypedCommandWould()
    {
        var (formUser, typedUser) = (NewUser(), NewUser());
        await _host.LinkAsync(formUser);
        await _host.LinkAsync(typedUser);
        var view = await OpenAsync(formUser);

        var answer = await SubmitAsync(view, formUser, new() { ["environment.local"] = "torch", ["idle.local"] = "2h" });
        using var typed = await _client.SendAsync(Post("/slack/commands", CommandBody("start --env torch --idle 2h", typedUser)));

        Assert.Equal("update", answer["response_action"]!.GetValue<string>());
        var fromForm = Assert.Single(await _host.SessionsOfAsync(formUser));
        var fromTyping = Assert.Single(await _host.SessionsOfAsync(typedUser));
        Assert.Equal(("torch", TimeSpan.FromHours(2)), (fromForm.Environment, fromForm.IdleAfter));
        Assert.Equal((fromTyping.Cluster, fromTyping.Environment, fromTyping.IdleAfter, fromTyping.Walltime), (fromForm.Cluster, fromForm.Environment, fromForm.IdleAfter, fromForm.Walltime));
    }

    [Fact]
    public async Task OffInTheIdleField_StartsASessionThatIsNeverAsked()
    {
        var user = NewUser();
        await _host.LinkAsync(user);
        var view = await OpenAsync(user);

        await SubmitAsync(view, user, new() { ["idle.local"] = "off" });

        Assert.Null(Assert.Single(await _host.SessionsOfAsync(user)).IdleAfter);
    }

    [Fact]
    public async Task ABadIdleValue_AndAnEnvironmentTheClusterLacks_AreEachNamedInTheirField_AndNothingStarts()
    {
        var user = NewUser();
        await _host.LinkAsync(user);
        var view = await OpenAsync(user);

        var answer = await SubmitAsync(view, user, new() { ["idle.local"] = "forever", ["environment.local"] = "nope" });

        Assert.Equal("errors", answer["response_action"]!.GetValue<string>());
        var errors = answer["errors"]!.AsObject();
        Assert.Equal(["environment.local", "idle.local"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.StartsWith("forever is not an idle time: use off, or a number with s, m, h or d", errors["idle.local"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("local has no environment nope; choose one of rapids, torch.", errors["environment.local"]!.GetValue<string>());
        Assert.Empty(await _host.SessionsOfAsync(user));
    }

    [Fact]
    public async Task TheForm_OpensOnTheLastClusterUsed_WithTheLastChoicesThere_AndAnotherClusterRedrawsItWithItsOwn()
    {
        var user = NewUser();
        await _host.LinkAsync(user);
        await StartAsync(user, "start -A cnms --env torch --idle off -t 1:00:00 -n 2 --partition short");
        await Task.Delay(20);
        await StartAsync(user, "start --cluster other -A physics -t 45 --gpus 1");

        var view = await OpenAsync(user);

        Assert.Equal(["cluster", "account.other", "account_other", "partition", "walltime", "nodes", "gpus", "idle.other"],
            view["blocks"]!.AsArray().Select(b => b!["block_id"]!.GetValue<string>()));
        Assert.Equal(("other", "physics", "00:45:00", "1", "_default"),
            (Initial(view, "cluster"), Initial(view, "account.other"), Initial(view, "walltime"), Initial(view, "gpus"), Initial(view, "idle.other")));
        Assert.Equal(["_default", "physics"], Element(view, "account.other")["options"]!.AsArray().Select(o => o!["value"]!.GetValue<string>()));

        var viewId = view["id"]!.GetValue<string>();
        using var chosen = await _client.SendAsync(Post("/slack/interactivity", ClickBody(FormPayloads.SelectAction(view, user, NewTrigger(), "cluster", "local"))));
        Assert.Equal(HttpStatusCode.OK, chosen.StatusCode);
        var redrawn = await _slack.WaitForCallAsync("views.update", c => c.Field("view_id") == viewId && c.Body["view"]!["blocks"]![1]!["block_id"]!.GetValue<string>() == "account.local", TimeSpan.FromSeconds(5));

        Assert.Equal(view["hash"]!.GetValue<string>(), redrawn.Field("hash"));
        var local = redrawn.Body["view"]!.AsObject();
        Assert.Equal(("local", "cnms", "short", "01:00:00", "2", "torch", "off"),
            (Initial(local, "cluster"), Initial(local, "account.local"), Initial(local, "partition"), Initial(local, "walltime"), Initial(local, "nodes"),
             Initial(local, "environment.local"), Initial(local, "idle.local")));
        Assert.Equal(["_default", "cnms"], Element(local, "account.local")["options"]!.AsArray().Select(o => o!["value"]!.GetValue<string>()));
    }
}
