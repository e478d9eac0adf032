using System.Net;
using System.Text.Json.Nodes;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Slack.Tests.Fakes;
using static CondoBot.Slack.Tests.Fakes.SignedRequests;

namespace CondoBot.Slack.Tests;

/// <summary>
/// The start form opens at once with a typed partition; the partitions (from <c>sinfo</c>, as the person) arrive
/// after it, as a <c>views.update</c> of the open form that turns the field into a pick list showing each partition's
/// idle nodes and time limit. When they cannot be read, the field stays typed and the form says why.
/// </summary>
public sealed class StartFormPartitionTests : IAsyncLifetime
{
    private readonly SinfoOnly _cluster = new();
    private FakeSlack _slack = null!;
    private SlackHost _host = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlack.StartAsync();
        _host = new SlackHost(_slack, cluster: _cluster);
        _ = _host.Services;
    }

    public async Task DisposeAsync()
    {
        _cluster.Answer.TrySetCanceled();
        await _host.DisposeAsync();
        await _slack.DisposeAsync();
        Assert.Empty(_slack.Violations);
    }

    internal static JsonObject Block(JsonNode view, string blockId) =>
        view["blocks"]!.AsArray().Single(b => b!["block_id"]!.GetValue<string>() == blockId)!.AsObject();

    internal static async Task<(SlackCall Open, SlackCall Update)> OpenAndUpdateAsync(FakeSlack slack, HttpClient client, string user, Action? between = null)
    {
        var trigger = NewTrigger();
        using var response = await client.SendAsync(Post("/slack/commands", CommandBody("start", user, trigger)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var open = await slack.WaitForCallAsync("views.open", c => c.Field("trigger_id") == trigger, TimeSpan.FromSeconds(3));
        var viewId = open.Answer!["view"]!["id"]!.GetValue<string>();
        between?.Invoke();
        var update = await slack.WaitForCallAsync("views.update", c => c.Field("view_id") == viewId, TimeSpan.FromSeconds(30));
        return (open, update);
    }

    [Fact]
    public async Task TheFormOpensBeforeSinfoAnswers_AndThenOffersThePartitionsToPick_WithIdleNodesAndLimits()
    {
        await _host.LinkAsync("U0PARTS");
        using var client = _host.CreateClient();

        var (open, update) = await OpenAndUpdateAsync(_slack, client, "U0PARTS", () =>
        {
            Assert.Empty(_slack.CallsTo("views.update"));
            _cluster.Answer.SetResult([new ClusterPartition("batch", 3, 8, TimeSpan.FromDays(2), true), new ClusterPartition("short", 0, 1, TimeSpan.FromMinutes(10), false)]);
        });

        var typed = Block(open.Body["view"]!, "partition");
        Assert.Equal("plain_text_input", typed["element"]!["type"]!.GetValue<string>());
        Assert.Equal("Reading the partitions of local…", typed["hint"]!["text"]!.GetValue<string>());
        Assert.Equal(open.Answer!["view"]!["hash"]!.GetValue<string>(), update.Field("hash"));
        var blocks = update.Body["view"]!["blocks"]!.AsArray().Select(b => b!["block_id"]!.GetValue<string>());
        Assert.Equal(["cluster", "account.local", "account_other", "partition_pick.local", "walltime", "nodes", "gpus", "idle.local"], blocks);
        var pick = Block(update.Body["view"]!, "partition_pick.local");
        Assert.Equal(
            """{"type":"static_select","action_id":"partition_pick.local","options":[{"text":{"type":"plain_text","text":"The cluster\u0027s default (batch)"},"value":"_default"},{"text":{"type":"plain_text","text":"batch \u2014 3 of 8 nodes idle, up to 2 d"},"value":"batch"},{"text":{"type":"plain_text","text":"short \u2014 0 of 1 node idle, up to 10 min"},"value":"short"}],"initial_option":{"text":{"type":"plain_text","text":"The cluster\u0027s default (batch)"},"value":"_default"}}""",
            pick["element"]!.ToJsonString());
        Assert.Equal("Idle nodes and time limits on local as of now.", pick["hint"]!["text"]!.GetValue<string>());
        Assert.Equal(("U0PARTS", "condouser", "local"), (_cluster.AskedBy!.ChatUser.Id.Split(':')[^1], _cluster.AskedBy.Login.Value, _cluster.AskedBy.Cluster));
    }

    [Fact]
    public async Task APickedPartition_IsWhatTheSessionStartsIn()
    {
        await _host.LinkAsync("U0PICKS");
        using var client = _host.CreateClient();
        _cluster.Answer.SetResult([new ClusterPartition("batch", 3, 8, TimeSpan.FromDays(2), true), new ClusterPartition("short", 1, 1, TimeSpan.FromMinutes(10), false)]);
        var (_, update) = await OpenAndUpdateAsync(_slack, client, "U0PICKS");
        var view = update.Answer!["view"]!.AsObject();

        using var response = await client.SendAsync(Post("/slack/interactivity", ClickBody(FormPayloads.Submission(view, "U0PICKS", NewTrigger(), new() { ["partition_pick.local"] = "short" }))));

        Assert.Equal("update", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["response_action"]!.GetValue<string>());
        Assert.Equal("short", Assert.Single(await _host.SessionsOfAsync("U0PICKS")).Partition);
    }

    [Fact]
    public async Task SomeoneWithoutALinkedLogin_TypesThePartition_AndTheFormSaysWhy()
    {
        using var client = _host.CreateClient();

        var (_, update) = await OpenAndUpdateAsync(_slack, client, "U0NOLINK");

        var typed = Block(update.Body["view"]!, "partition");
        Assert.Equal("plain_text_input", typed["element"]!["type"]!.GetValue<string>());
        Assert.Equal(
            "The partitions of local are read as your cluster login, and you have not linked one yet (`key LOGIN`): type a partition, or leave it empty for the cluster's default.",
            typed["hint"]!["text"]!.GetValue<string>());
        Assert.Null(_cluster.AskedBy);
    }

    /// <summary>A cluster seam that only answers sinfo, when the test says so.</summary>
    private sealed class SinfoOnly : ICluster
    {
        public TaskCompletionSource<IReadOnlyList<ClusterPartition>> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Actor? AskedBy { get; private set; }

        public async Task<Result<IReadOnlyList<ClusterPartition>>> PartitionsAsync(Actor actor, CancellationToken cancellationToken)
        {
            AskedBy = actor;
            return Result<IReadOnlyList<ClusterPartition>>.Ok(await Answer.Task.WaitAsync(cancellationToken));
        }

        public Task<Result<IReadOnlyList<IdlePartition>>> IdlePartitionsAsync(Actor actor, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Result<string>> CheckLoginAsync(Actor actor, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Result<SlurmJobId>> SubmitAsync(Actor actor, JobRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Result<SlurmJobId?>> FindJobAsync(Actor actor, SessionId session, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Result<JobSnapshot>> GetJobAsync(Actor actor, SlurmJobId job, SessionId session, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Result<bool>> RemoveKeyAsync(Actor actor, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Result<bool>> CancelAsync(Actor actor, SlurmJobId job, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Result<IReadOnlyList<string>>> JobOutputAsync(Actor actor, SlurmJobId job, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
