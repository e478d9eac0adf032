using CondoBot.Cluster.Slurm;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Sessions;
using Microsoft.Extensions.Options;
using SessionOptions = CondoBot.Core.Sessions.SessionOptions;

namespace CondoBot.Host;

/// <summary>
/// Keeps one <see cref="JobEndWatch"/> running per login (cluster, login, delegated key) that has ready sessions, and
/// none for a login without: when a job's end marker appears, the session's poll is brought forward
/// (<see cref="ISessionWork.Poll"/> with no delay), so the ended notice, with Slurm's own state and times, follows
/// within seconds. Then it is looked at again every <see cref="SessionOptions.EndPollInterval"/> while it is still
/// ready (Slurm may take a moment to report the end), for up to <see cref="RepokeFor"/>. The watch is only an
/// optimisation: the slow poll cycle still tells every end it misses (a job killed by SIGKILL or a failed node, a gate
/// without the verb). Every replica may watch: a poke is a poll, and polls are idempotent (a stale poll token does nothing).
/// </summary>
public sealed partial class EndWatchService(
    JobEndWatch watch, ISessionStore sessions, ISessionWork work, IOptions<SessionOptions> options, TimeProvider time, ILogger<EndWatchService> logger,
    CondoBot.Core.Diagnostics.CondoBotMetrics? metrics = null)
    : BackgroundService
{
    /// <summary>How often the ready sessions are listed, to start, change or stop the logins' watches.</summary>
    internal static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);

    /// <summary>How long an ended session that still shows ready is looked at again after its marker.</summary>
    internal static readonly TimeSpan RepokeFor = TimeSpan.FromSeconds(30);

    /// <summary>How long a login whose gate does not know the verb is left alone.</summary>
    internal static readonly TimeSpan NotSupportedPause = TimeSpan.FromMinutes(10);

    private readonly Dictionary<Actor, Running> _running = [];
    private readonly Dictionary<Actor, (DateTimeOffset Until, int Failures)> _paused = [];

    /// <summary>Sessions whose marker was seen and whose polls are being brought forward: not watched again meanwhile.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SessionId, bool> _poking = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.EndWatch) return;
        using var timer = new PeriodicTimer(Refresh, time);
        try
        {
            do
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The storage may be briefly unreachable; the watches keep running and the next round looks again.
                    LogRefreshFailed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var running in _running.Values) running.Stop.Cancel();
            await Task.WhenAll(_running.Values.Select(r => r.Task));
        }
    }

    private async Task RefreshAsync(CancellationToken stoppingToken)
    {
        var ready = (await sessions.ListInStateAsync(SessionState.Ready, stoppingToken))
            .Where(s => s.JobId is not null && !_poking.ContainsKey(s.Id))
            .GroupBy(s => s.Actor)
            .ToDictionary(g => g.Key, g => g.Select(s => s.Id).ToHashSet());
        var now = time.GetUtcNow();
        foreach (var (actor, running) in _running.ToList())
        {
            if (running.Task.IsCompleted || !ready.TryGetValue(actor, out var ids) || !ids.SetEquals(running.Sessions))
            {
                await running.Stop.CancelAsync();
                await running.Task;
                running.Stop.Dispose();
                _running.Remove(actor);
            }
        }

        foreach (var (actor, ids) in ready)
        {
            if (_running.ContainsKey(actor) || Paused(actor, now)) continue;
            var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _running[actor] = new Running(ids, stop, Task.Run(() => WatchAsync(actor, ids, stop.Token), CancellationToken.None));
        }

        lock (_paused)
        {
            foreach (var actor in _paused.Keys.Where(a => !ready.ContainsKey(a)).ToList()) _paused.Remove(actor);
        }
    }

    private bool Paused(Actor actor, DateTimeOffset now)
    {
        lock (_paused) return _paused.TryGetValue(actor, out var pause) && pause.Until > now;
    }

    private async Task WatchAsync(Actor actor, IReadOnlyCollection<SessionId> ids, CancellationToken stop)
    {
        metrics?.EndWatchStarted();
        var outcome = await watch.WatchAsync(actor, ids, PokeAsync, stop);
        lock (_paused)
        {
            var failures = _paused.TryGetValue(actor, out var p) ? p.Failures : 0;
            if (outcome.Succeeded && outcome.Value == WatchOutcome.Over) _paused.Remove(actor);
            else if (outcome.Succeeded && outcome.Value == WatchOutcome.NotSupported)
            {
                LogNotSupported(actor.Cluster, actor.Login.Value);
                _paused[actor] = (time.GetUtcNow() + NotSupportedPause, failures);
            }
            else if (!outcome.Succeeded)
            {
                // 2 s, 4 s ... up to two minutes, as the poll steps back off from an unreachable login node.
                LogWatchFailed(actor.Cluster, actor.Login.Value, outcome.Problem.Message);
                _paused[actor] = (time.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(120, Math.Pow(2, Math.Min(failures + 1, 7)))), failures + 1);
            }
        }
    }

    /// <summary>Brings the session's poll forward, and again while it still shows ready, until it ends or <see cref="RepokeFor"/> passes.</summary>
    private Task PokeAsync(SessionId id)
    {
        if (!_poking.TryAdd(id, true)) return Task.CompletedTask;
        LogMarker(id.ToString());
        _ = Task.Run(async () =>
        {
            var until = time.GetUtcNow() + RepokeFor;
            try
            {
                while (time.GetUtcNow() < until)
                {
                    var session = await sessions.GetAsync(id, CancellationToken.None);
                    if (session is null || session.State != SessionState.Ready) return;
                    work.Poll(id, session.PollToken, TimeSpan.Zero);
                    await Task.Delay(options.Value.EndPollInterval, time, CancellationToken.None);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The slow cycle tells this end as it would without the watch.
                LogPokeFailed(ex);
            }
            finally
            {
                _poking.TryRemove(id, out _);
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    private sealed record Running(HashSet<SessionId> Sessions, CancellationTokenSource Stop, Task Task);

    [LoggerMessage(Level = LogLevel.Information, Message = "The job of session {SessionId} left its end marker: polling it now")]
    private partial void LogMarker(string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "The gate on {Cluster} for {Login} has no watch verb: its ends are noticed on the poll cycle")]
    private partial void LogNotSupported(string cluster, string login);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The end watch on {Cluster} for {Login} stopped: {Reason}; starting it again shortly")]
    private partial void LogWatchFailed(string cluster, string login, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not bring a session's poll forward after its end marker")]
    private partial void LogPokeFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not list the ready sessions for the end watch this round")]
    private partial void LogRefreshFailed(Exception ex);
}
