using CondoBot.Cluster.Slurm;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using Microsoft.Extensions.Time.Testing;

namespace CondoBot.Cluster.Tests;

/// <summary>How one login's polls share squeue: a scripted look that counts how often it runs, and a fake clock.</summary>
public sealed class JobBoardTests
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();
    private readonly JobBoard _board;
    private readonly (SlurmJobId Job, SessionId Session)[] _jobs = Enumerable.Range(1, 4).Select(i => (new SlurmJobId(100 + i), SessionId.New())).ToArray();
    private int _looks;
    private TaskCompletionSource? _hold;
    private Problem? _failWith;
    private bool _running;
    private readonly List<IReadOnlyCollection<SessionId>> _sessionsLookedAt = [];

    public JobBoardTests() => _board = new JobBoard(_time);

    private async Task<Result<BoardOutput>> LookAsync(IReadOnlyCollection<SessionId> sessions)
    {
        Interlocked.Increment(ref _looks);
        lock (_sessionsLookedAt) _sessionsLookedAt.Add(sessions);
        if (_hold is { } hold) await hold.Task;
        if (_failWith is { } problem) return problem;
        var lines = _jobs.ToDictionary(j => j.Job, j => _running ? $"{j.Job}|RUNNING|node001|9:00|N/A|None" : $"{j.Job}|PENDING||10:00|N/A|Resources");
        return new BoardOutput(0, TimeSpan.Zero, lines, new Dictionary<SessionId, string>());
    }

    private Task<Result<JobSnapshot?>> PollAsync(int i, SlurmJobId? job = null) =>
        _board.GetAsync(job ?? _jobs[i].Job, _jobs[i].Session, MaxAge, LookAsync, CancellationToken.None);

    /// <summary>Every session polled once, and then all answered by one look: the steady state of a running service.</summary>
    private async Task KnownToTheBoardAsync()
    {
        await PollAllAsync();
        _board.Invalidate();
        await PollAllAsync();
        _looks = 0;
    }

    private async Task PollAllAsync()
    {
        foreach (var result in await Task.WhenAll(Enumerable.Range(0, _jobs.Length).Select(i => PollAsync(i))))
        {
            Assert.True(result.Succeeded);
        }
    }

    [Fact]
    public async Task ConcurrentPollsOfOneLoginsJobs_ShareOneSqueue_OnceTheBoardKnowsThem()
    {
        await KnownToTheBoardAsync();
        _hold = new TaskCompletionSource();

        var polls = Enumerable.Range(0, _jobs.Length).Select(i => PollAsync(i)).ToList();
        _hold.SetResult();
        var answers = await Task.WhenAll(polls);

        Assert.Equal(1, _looks);
        Assert.All(answers, a => Assert.Equal(JobPhase.Pending, a.Value!.Phase));
    }

    [Fact]
    public async Task PollsSpreadOverACycle_RunOneSqueuePerCycle_WhateverTheNumberOfSessions()
    {
        await KnownToTheBoardAsync();

        for (var cycle = 0; cycle < 5; cycle++)
        {
            foreach (var i in Enumerable.Range(0, _jobs.Length))
            {
                await PollAsync(i);
                _time.Advance(TimeSpan.FromSeconds(7));
            }
        }

        Assert.Equal(5, _looks);
    }

    [Fact]
    public async Task ASessionsNextPoll_NeverGetsTheLookItAlreadySaw()
    {
        await KnownToTheBoardAsync();

        await PollAsync(0);
        await PollAsync(0);

        Assert.Equal(2, _looks);
    }

    [Fact]
    public async Task ALookOlderThanTheMaximumAge_AnswersNobody()
    {
        await KnownToTheBoardAsync();

        _time.Advance(MaxAge + TimeSpan.FromSeconds(1));
        await PollAsync(1);

        Assert.Equal(1, _looks);
    }

    [Fact]
    public async Task ASubmissionOrCancellation_MakesTheNextPollLookAgain()
    {
        await KnownToTheBoardAsync();

        _board.Invalidate();
        await PollAsync(1);

        Assert.Equal(1, _looks);
    }

    [Fact]
    public async Task AFailedLook_GivesEveryWaitingPollTheProblem_AndIsNeverReused()
    {
        await KnownToTheBoardAsync();
        _failWith = new Problem(ProblemKind.ClusterUnavailable, "login node down");
        _hold = new TaskCompletionSource();

        var polls = Enumerable.Range(0, _jobs.Length).Select(i => PollAsync(i)).ToList();
        _hold.SetResult();
        var answers = await Task.WhenAll(polls);
        _failWith = null;
        var after = await PollAsync(0);

        Assert.All(answers, a => Assert.Equal(ProblemKind.ClusterUnavailable, a.Problem?.Kind));
        Assert.True(after.Succeeded);
        Assert.Equal(2, _looks);
    }

    [Fact]
    public async Task AJobTheLookDoesNotList_IsLeftForALookAtItAlone()
    {
        var answer = await PollAsync(0, new SlurmJobId(999));

        Assert.True(answer.Succeeded);
        Assert.Null(answer.Value);
    }

    [Fact]
    public async Task NewSessionsPollingTogether_ShareOneLook_WhileTheirJobsWait()
    {
        _hold = new TaskCompletionSource();

        var polls = Enumerable.Range(0, _jobs.Length).Select(i => PollAsync(i)).ToList();
        _hold.SetResult();
        var answers = await Task.WhenAll(polls);

        Assert.Equal(1, _looks);
        Assert.All(answers, a => Assert.Equal(JobPhase.Pending, a.Value!.Phase));
    }

    [Fact]
    public async Task ARunningJobsSessionNewToTheBoard_IsLookedAtAgain_WithItsConnectionFile()
    {
        _running = true;
        await PollAsync(0);
        _looks = 0;

        _hold = new TaskCompletionSource();
        var first = PollAsync(0);
        var newcomer = PollAsync(1);
        _hold.SetResult();
        await Task.WhenAll(first, newcomer);

        Assert.Equal(2, _looks);
        Assert.Contains(_jobs[1].Session, _sessionsLookedAt[^1]);
    }
}
