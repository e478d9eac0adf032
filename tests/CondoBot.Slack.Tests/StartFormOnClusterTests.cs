using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CondoBot.Slack.Tests.Fakes;
using CondoBot.Testing;
using static CondoBot.Slack.Tests.Fakes.SignedRequests;

namespace CondoBot.Slack.Tests;

/// <summary>
/// The start form's partitions from the real local cluster: a person links a key and authorizes it as the printed
/// line says, and the open form is redrawn with what <c>sinfo</c> shows them there; a login node that cannot be
/// reached leaves the partition typed, with the reason in the form.
/// </summary>
[Collection(nameof(LocalClusterCollection))]
public sealed class StartFormOnClusterTests
{
    private const string Login = "condouser";
    private readonly LocalCluster _cluster = LocalCluster.Get();

    private static string NewUser() => "U" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    [Fact]
    public async Task OnTheRealCluster_TheFormOffersThePartitionsSinfoShows_WithTheirNodesAndLimits()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var host = new SlackHost(slack, settings: new Dictionary<string, string>
        {
            ["Clusters:local:HostKeySha256"] = _cluster.HostKeySha256,
            ["Clusters:local:LoginHost"] = _cluster.LoginHost,
            ["Clusters:local:LoginPort"] = _cluster.LoginPort.ToString(CultureInfo.InvariantCulture),
        });
        using var client = host.CreateClient();
        var user = NewUser();
        using var linked = await client.SendAsync(Post("/slack/commands", CommandBody($"key {Login}", user)));
        using var key = AuthorizedKey.Install(Login, JsonNode.Parse(await linked.Content.ReadAsStringAsync())!["text"]!.GetValue<string>());

        var update = await OpenUntilReachedAsync(slack, client, user);

        var element = StartFormPartitionTests.Block(update.Body["view"]!, "partition_pick.local")["element"]!;
        var options = element["options"]!.AsArray().Select(o => (o!["value"]!.GetValue<string>(), o["text"]!["text"]!.GetValue<string>())).ToList();
        Assert.Equal(["_default", "debug", "short"], options.Select(o => o.Item1));
        Assert.Equal("The cluster's default (debug)", options[0].Item2);
        // The node is shared with every other test on the machine: it may be running someone's job just now.
        Assert.Matches("^debug — [01] of 1 node idle, up to 12 h$", options[1].Item2);
        Assert.Matches("^short — [01] of 1 node idle, up to 10 min$", options[2].Item2);
        Assert.Empty(slack.Violations);
    }

    /// <summary>
    /// Opens the form until its partitions came from the login node. The site's sshd turns away every connection
    /// from loopback for a while after failed logins (OpenSSH's per-source penalties), which other tests on the
    /// machine cause on purpose; such a refusal shows in the form like any unreachable login node.
    /// </summary>
    private static async Task<SlackCall> OpenUntilReachedAsync(FakeSlack slack, HttpClient client, string user)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var (_, update) = await StartFormPartitionTests.OpenAndUpdateAsync(slack, client, user);
            var view = update.Body["view"]!;
            if (view["blocks"]!.AsArray().Any(b => b!["block_id"]!.GetValue<string>() == "partition_pick.local")) return update;
            var hint = StartFormPartitionTests.Block(view, "partition")["hint"]!["text"]!.GetValue<string>();
            Assert.True(hint.Contains("Could not reach the login node", StringComparison.Ordinal) && DateTime.UtcNow < deadline, "no pick list: " + hint);
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    [Fact]
    public async Task WhenTheLoginNodeCannotBeReached_ThePartitionStaysTyped_AndTheFormSaysWhy()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var host = new SlackHost(slack);
        using var client = host.CreateClient();
        var user = NewUser();
        await host.LinkAsync(user);

        var (_, update) = await StartFormPartitionTests.OpenAndUpdateAsync(slack, client, user);

        var typed = StartFormPartitionTests.Block(update.Body["view"]!, "partition");
        Assert.Equal("plain_text_input", typed["element"]!["type"]!.GetValue<string>());
        var hint = typed["hint"]!["text"]!.GetValue<string>();
        Assert.StartsWith("local could not be asked for its partitions (", hint, StringComparison.Ordinal);
        Assert.EndsWith("): type a partition, or leave it empty for the cluster's default.", hint, StringComparison.Ordinal);
    }
}
