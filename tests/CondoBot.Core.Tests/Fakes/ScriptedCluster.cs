using CondoBot.Core.Clusters;

namespace CondoBot.Core.Tests.Fakes;

/// <summary>A cluster whose answers the test sets, and which records what it was asked.</summary>
internal sealed class ScriptedCluster : ICluster
{
    private long _nextJob = 1000;

    public List<JobRequest> Submitted { get; } = [];

    public List<SlurmJobId> Cancelled { get; } = [];

    public Problem? SubmitProblem { get; set; }

    public Problem? PollProblem { get; set; }

    public Problem? LoginProblem { get; set; }

    /// <summary>Jobs already on the cluster, by the session id in their comment.</summary>
    public Dictionary<SessionId, SlurmJobId> Existing { get; } = [];

    public JobSnapshot Snapshot { get; set; } = new(JobPhase.Pending, "PENDING", null, TimeSpan.FromMinutes(30), "Priority", null);

    public Task<Result<string>> CheckLoginAsync(Actor actor, CancellationToken cancellationToken) =>
        Task.FromResult(LoginProblem is null ? Result<string>.Ok(actor.Login.Value) : Result<string>.Fail(LoginProblem));

    /// <summary>Runs while sbatch is "in flight", before the job appears on the cluster: what happens meanwhile elsewhere.</summary>
    public Func<Task>? WhileSubmitting { get; set; }

    public async Task<Result<SlurmJobId>> SubmitAsync(Actor actor, JobRequest request, CancellationToken cancellationToken)
    {
        if (SubmitProblem is not null) return Result<SlurmJobId>.Fail(SubmitProblem);
        Submitted.Add(request);
        if (WhileSubmitting is { } meanwhile)
        {
            WhileSubmitting = null;
            await meanwhile();
        }

        var id = new SlurmJobId(++_nextJob);
        Existing[request.Session] = id;
        return Result<SlurmJobId>.Ok(id);
    }

    /// <summary>Logins whose key the login node refuses (every command as them fails so).</summary>
    public HashSet<string> Refusing { get; } = [];

    /// <summary>How many times each login logged in to look for or at a job.</summary>
    public Dictionary<string, int> Logins { get; } = [];

    private Problem? LogIn(Actor actor)
    {
        Logins[actor.Login.Value] = Logins.GetValueOrDefault(actor.Login.Value) + 1;
        return Refusing.Contains(actor.Login.Value)
            ? new Problem(ProblemKind.NotAuthorized, $"login.example.org refused my key for {actor.Login}.")
            : null;
    }

    public Task<Result<SlurmJobId?>> FindJobAsync(Actor actor, SessionId session, CancellationToken cancellationToken) =>
        Task.FromResult(LogIn(actor) is { } refused
            ? Result<SlurmJobId?>.Fail(refused)
            : Result<SlurmJobId?>.Ok(Existing.TryGetValue(session, out var id) ? id : null));

    /// <summary>Answers for particular jobs, ahead of <see cref="Snapshot"/>.</summary>
    public Dictionary<SlurmJobId, JobSnapshot> ByJob { get; } = [];

    public Task<Result<JobSnapshot>> GetJobAsync(Actor actor, SlurmJobId job, SessionId session, CancellationToken cancellationToken) =>
        Task.FromResult((LogIn(actor) ?? PollProblem) is { } problem ? Result<JobSnapshot>.Fail(problem) : Result<JobSnapshot>.Ok(ByJob.GetValueOrDefault(job, Snapshot)));

    public List<IdlePartition> Idle { get; } = [];

    public Task<Result<IReadOnlyList<IdlePartition>>> IdlePartitionsAsync(Actor actor, CancellationToken cancellationToken) =>
        Task.FromResult(Result<IReadOnlyList<IdlePartition>>.Ok(Idle));

    public List<ClusterPartition> Partitions { get; } = [];

    public Task<Result<IReadOnlyList<ClusterPartition>>> PartitionsAsync(Actor actor, CancellationToken cancellationToken) =>
        Task.FromResult(LogIn(actor) is { } refused ? Result<IReadOnlyList<ClusterPartition>>.Fail(refused) : Result<IReadOnlyList<ClusterPartition>>.Ok(Partitions));

    /// <summary>What the gate answers to revoke; removed lines are counted in <see cref="KeysRemoved"/>.</summary>
    public Result<bool> RemoveKey { get; set; } = true;

    public List<Actor> KeysRemoved { get; } = [];

    public Task<Result<bool>> RemoveKeyAsync(Actor actor, CancellationToken cancellationToken)
    {
        KeysRemoved.Add(actor);
        return Task.FromResult(RemoveKey);
    }

    /// <summary>The job's output as the gate would return it.</summary>
    public List<string> Output { get; } = [];

    public Task<Result<IReadOnlyList<string>>> JobOutputAsync(Actor actor, SlurmJobId job, CancellationToken cancellationToken) =>
        Task.FromResult(Result<IReadOnlyList<string>>.Ok(Output.ToList()));

    public Task<Result<bool>> CancelAsync(Actor actor, SlurmJobId job, CancellationToken cancellationToken)
    {
        Cancelled.Add(job);
        return Task.FromResult(Result<bool>.Ok(true));
    }
}
