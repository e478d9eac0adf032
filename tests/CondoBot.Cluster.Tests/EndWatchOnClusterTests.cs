using System.Collections.Concurrent;
using CondoBot.Cluster.Gate;
using CondoBot.Cluster.Slurm;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Testing;

namespace CondoBot.Cluster.Tests;

/// <summary>The watch of a login's end markers through the real gate, over the bot's kept SSH connection to the local cluster.</summary>
public sealed class EndWatchOnClusterTests : IAsyncLifetime
{
    private const string Login = "condouser3";
    private readonly LocalCluster _cluster = LocalCluster.Get();
    private readonly SessionId _first = SessionId.New();
    private readonly SessionId _second = SessionId.New();
    private GatedLogin _login = null!;

    public async Task InitializeAsync() => _login = await GatedLogin.AuthorizeAsync(Login, "ends", _cluster.Profile());

    public Task DisposeAsync()
    {
        AuthorizedKey.RunAs(Login, $"rm -f ~/.condobot/{_first}.ended ~/.condobot/{_second}.ended");
        _login.Dispose();
        return Task.CompletedTask;
    }

    private void LeaveMarker(SessionId session) => AuthorizedKey.RunAs(Login, $"mkdir -p ~/.condobot && : > ~/.condobot/{session}.ended");

    [Fact]
    public async Task TheWatch_HandsOverEachEndedSessionAsItsMarkerAppears_AndIsOverOnceAllHaveEnded()
    {
        var watch = new JobEndWatch(_login.Ssh);
        var ended = new BlockingCollection<SessionId>();
        LeaveMarker(_first);

        var watching = watch.WatchAsync(_login.Actor, [_first, _second], s =>
        {
            ended.Add(s);
            return Task.CompletedTask;
        }, CancellationToken.None);

        Assert.True(ended.TryTake(out var one, TimeSpan.FromSeconds(10)), "the marker already there was not handed over");
        Assert.Equal(_first, one);
        LeaveMarker(_second);
        Assert.True(ended.TryTake(out var two, TimeSpan.FromSeconds(10)), "the marker that appeared was not handed over");
        Assert.Equal(_second, two);
        var outcome = await watching.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WatchOutcome.Over, outcome.Value);
        Assert.Empty(ended);
    }

    [Fact]
    public async Task TheWatch_StoppedByTheBot_EndsAtOnce_AndTheKeptConnectionStillAnswers()
    {
        var watch = new JobEndWatch(_login.Ssh);
        using var stop = new CancellationTokenSource();
        var watching = watch.WatchAsync(_login.Actor, [_first], _ => Task.CompletedTask, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(1));

        await stop.CancelAsync();
        var outcome = await watching.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(WatchOutcome.Stopped, outcome.Value);
        var version = await _login.Ssh.RunAsync(_login.Actor, SlurmCommands.Version, null, CancellationToken.None);
        Assert.StartsWith($"condobot-gate {GateProgram.Protocol} ", version.Value!.Stdout, StringComparison.Ordinal);
    }
}
