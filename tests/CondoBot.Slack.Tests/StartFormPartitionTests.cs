using System.Net;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Slack.Tests.Fakes;
using static CondoBot.Slack.Tests.Fakes.SignedRequests;

namespace CondoBot.Slack.Tests;

/// <summary>
/// The start form opens at once; the partitions with idle nodes (from <c>sinfo</c>, as the person) arrive after it,
/// as a <c>views.update</c> of the open form, with each partition's idle nodes and time limit.
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

    [Fact]
    public async Task TheFormOpensBeforeSinfoAnswers_AndThenShowsTheIdlePartitionsWithTheirLimits()
    {
        await _host.LinkAsync("U0PARTS");
        using var client = _host.CreateClient();
        var trigger = NewTrigger();

        using var response = await client.SendAsync(Post("/slack/commands", CommandBody("start", "U0PARTS", trigger)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var open = await _slack.WaitForCallAsync("views.open", c => c.Field("trigger_id") == trigger, TimeSpan.FromSeconds(3));
        Assert.Empty(_slack.CallsTo("views.update"));
        _cluster.Answer.SetResult([new IdlePartition("debug", 3, TimeSpan.FromHours(12)), new IdlePartition("short", 1, TimeSpan.FromMinutes(10))]);

        var update = await _slack.WaitForCallAsync("views.update", _ => true, TimeSpan.FromSeconds(5));

        Assert.Equal(open.Answer!["view"]!["id"]!.GetValue<string>(), update.Field("view_id"));
        Assert.Equal(open.Answer!["view"]!["hash"]!.GetValue<string>(), update.Field("hash"));
        var partition = update.Body["view"]!["blocks"]!.AsArray().Single(b => b!["block_id"]!.GetValue<string>() == "partition")!;
        Assert.Equal("Idle now: debug (3 idle nodes, up to 12 h), short (1 idle node, up to 10 min).", partition["hint"]!["text"]!.GetValue<string>());
        Assert.Equal(("U0PARTS", "condouser", "local"), (_cluster.AskedBy!.ChatUser.Id.Split(':')[^1], _cluster.AskedBy.Login.Value, _cluster.AskedBy.Cluster));
    }

    /// <summary>A cluster seam that only answers sinfo, when the test says so.</summary>
    private sealed class SinfoOnly : ICluster
    {
        public TaskCompletionSource<IReadOnlyList<IdlePartition>> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Actor? AskedBy { get; private set; }

        public async Task<Result<IReadOnlyList<IdlePartition>>> IdlePartitionsAsync(Actor actor, CancellationToken cancellationToken)
        {
            AskedBy = actor;
            return Result<IReadOnlyList<IdlePartition>>.Ok(await Answer.Task.WaitAsync(cancellationToken));
        }

        public Task<Result<string>> CheckLoginAsync(Actor actor, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Result<SlurmJobId>> SubmitAsync(Actor actor, JobRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Result<SlurmJobId?>> FindJobAsync(Actor actor, SessionId session, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Result<JobSnapshot>> GetJobAsync(Actor actor, SlurmJobId job, SessionId session, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Result<bool>> RemoveKeyAsync(Actor actor, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Result<bool>> CancelAsync(Actor actor, SlurmJobId job, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Result<IReadOnlyList<string>>> JobOutputAsync(Actor actor, SlurmJobId job, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
