using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;

namespace CondoBot.Core.Sessions;

/// <summary>
/// One JupyterLab session: what was asked for, and what the bot last saw of its job. Persisted whole after every step,
/// so a restarted bot carries on from the last saved state. JupyterLab's token is deliberately not kept here: it is
/// read from the job's connection file on the cluster when needed.
/// </summary>
public sealed class Session
{
    public required SessionId Id { get; init; }
    public required ChatUserId Owner { get; init; }
    public required ClusterUser Login { get; init; }
    public required string Cluster { get; init; }
    public required string Account { get; init; }
    public required string Partition { get; init; }
    public required int Nodes { get; init; }
    public required TimeSpan Walltime { get; init; }
    public required int LocalPort { get; init; }
    public required int NodePort { get; init; }
    public bool Verbose { get; init; }
    public int Gpus { get; init; }

    /// <summary>The cluster environment (<c>start --env</c>, else the cluster's default); empty: the cluster's own settings.</summary>
    public string Environment { get; init; } = "";
    /// <summary>
    /// How long JupyterLab may sit idle before the owner is asked whether to stop it (<c>start --idle</c>, else the
    /// cluster's <c>IdleAfter</c>); null: never asked. See <see cref="IdleWatch"/>.
    /// </summary>
    public TimeSpan? IdleAfter { get; init; }

    /// <summary>The latest activity seen in JupyterLab (now, while a kernel was busy); null before the first report.</summary>
    public DateTimeOffset? LastActivity { get; set; }

    /// <summary>When the owner was asked whether to stop the idle lab; null while no question is pending.</summary>
    public DateTimeOffset? IdleAskedAt { get; set; }

    /// <summary>Until when the idle question is postponed (<c>keep JOBID DURATION</c>).</summary>
    public DateTimeOffset? IdleKeptUntil { get; set; }

    /// <summary>The bot stopped the session because it stayed idle with the question unanswered.</summary>
    public bool StoppedAsIdle { get; set; }

    /// <summary>Queue a follow-on when the job is known (set by <c>start --keep-alive</c> or <c>renew</c>).</summary>
    public bool KeepAlive { get; set; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>For a follow-on session: the job it waits for (<c>--dependency=afterany</c>).</summary>
    public SlurmJobId? FollowsJob { get; init; }

    /// <summary>For a follow-on session: the session it follows, whose ended notice comes before this one's news.</summary>
    public SessionId? FollowsSession { get; init; }

    /// <summary>
    /// Since when this follow-on's news waits for its predecessor's ended notice (see
    /// <see cref="SessionWorkflow.PollAsync"/>); null when it does not wait.
    /// </summary>
    public DateTimeOffset? WaitingForPredecessorSince { get; set; }

    /// <summary>The follow-on session queued to start when this one ends, if any.</summary>
    public SessionId? FollowOn { get; set; }

    /// <summary>How many times the session was saved; see <see cref="ISessionStore.SaveAsync"/>.</summary>
    public int Version { get; set; }

    public SessionState State { get; set; } = SessionState.Submitting;
    public SlurmJobId? JobId { get; set; }
    public string? Node { get; set; }

    /// <summary>The port JupyterLab answered on, once ready (it may have moved from <see cref="NodePort"/>).</summary>
    public int? LabPort { get; set; }
    public string? PendingReason { get; set; }

    /// <summary>Slurm's raw state while it is one the bot does not know (<see cref="JobPhase.Unknown"/>), shown as is; null otherwise.</summary>
    public string? SlurmState { get; set; }
    public DateTimeOffset? ExpectedStart { get; set; }
    public bool QueueHintSent { get; set; }

    /// <summary>The end time the reminders were scheduled for; a reminder step for another end time is stale.</summary>
    public DateTimeOffset? RemindersFor { get; set; }

    /// <summary>Reminders already queued for the user, by their offset in seconds: each is sent once.</summary>
    public List<int> RemindersSent { get; init; } = [];
    public DateTimeOffset? EndsAt { get; set; }
    /// <summary>When the job started, by Slurm's clock (squeue's <c>%S</c>) when the gate says, else when first seen running.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>How many nodes Slurm gave the job, once it started; <see cref="Nodes"/> is what was asked for.</summary>
    public int? NodeCount { get; set; }
    public DateTimeOffset? ReadyAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public EndReason? EndReason { get; set; }
    public string? EndDetail { get; set; }

    /// <summary>For a job that ended before JupyterLab answered: why, from its output, and what to do (<see cref="StartFailures"/>).</summary>
    public string? Explanation { get; set; }

    /// <summary>
    /// Whether the session's job ended before JupyterLab answered in a way its output can explain (not stopped, not
    /// cancelled from outside, not refused before it ran).
    /// </summary>
    public bool EndedBeforeReady => State == SessionState.Ended && ReadyAt is null && StartedAt is not null && JobId is not null
        && EndReason is Sessions.EndReason.Failed or Sessions.EndReason.Completed or Sessions.EndReason.OutOfMemory;

    /// <summary>
    /// When the session's next background step is due (null: at <see cref="CreatedAt"/>, the first submission); see
    /// <see cref="SessionWatchdog"/>.
    /// </summary>
    public DateTimeOffset? NextStepAt { get; set; }

    /// <summary>Identifies the current chain of poll steps; a step carrying an older value is stale and does nothing.</summary>
    public int PollToken { get; set; }

    /// <summary>Consecutive failed attempts to reach the cluster, for back-off.</summary>
    public int Failures { get; set; }

    /// <summary>When the cluster stopped answering for this session; null while it answers.</summary>
    public DateTimeOffset? UnreachableSince { get; set; }

    /// <summary>Whether the user was told about the current stretch of unreachability (so they hear it once).</summary>
    public bool ToldUnreachable { get; set; }

    /// <summary>The cluster answered again; answers whether the user had been told it was unreachable.</summary>
    public bool ClearFailures()
    {
        var told = ToldUnreachable;
        Failures = 0;
        UnreachableSince = null;
        ToldUnreachable = false;
        return told;
    }

    public Actor Actor => new(Owner, Login, Cluster);

    public TimeSpan? RanFor => StartedAt is { } started ? (EndedAt ?? started) - started : null;

    /// <summary>What the session has taken from the allocation so far (all of it, once ended); null before it started.</summary>
    public SessionUsage? Usage(DateTimeOffset now) => StartedAt is { } started
        ? new SessionUsage((EndedAt ?? now) - started is var t && t > TimeSpan.Zero ? t : TimeSpan.Zero, NodeCount ?? Nodes, Gpus, Walltime)
        : null;

    public SessionView View(DateTimeOffset now) => new(
        Id, JobId, State, Cluster, Account, Partition, Nodes, Walltime, LocalPort, Node, PendingReason,
        EndsAt, EndsAt is { } end && State != SessionState.Ended ? end - now : null, EndReason, EndDetail,
        StartedAt is { } s ? (EndedAt ?? now) - s : null, Verbose, ExpectedStart, FollowsJob, FollowOn is not null,
        State == SessionState.Ended ? null : SlurmState, Usage(now), Explanation);

    /// <summary>
    /// Marks an active session as stopping ("I am done": no follow-on from it), due for its cancellation at once;
    /// answers false when it had already ended or was already stopping (nothing changes then).
    /// </summary>
    public bool BeginStop(DateTimeOffset now)
    {
        if (!State.IsActive() || State == SessionState.Stopping) return false;
        State = SessionState.Stopping;
        KeepAlive = false;
        PollToken++;
        NextStepAt = now;
        return true;
    }

    /// <summary>Ends the session; answers false when it had already ended (nothing changes then).</summary>
    public bool End(EndReason reason, string? detail, DateTimeOffset now)
    {
        if (State == SessionState.Ended) return false;
        State = SessionState.Ended;
        EndReason = reason;
        EndDetail = detail;
        EndedAt = now;
        PendingReason = null;
        PollToken++;
        return true;
    }

    /// <summary>
    /// Takes in what the cluster says about the job and answers whether the user should hear about it (a change of
    /// state they care about). Ending is decided here so that every path reports the same reason.
    /// </summary>
    public bool Observe(JobSnapshot job, DateTimeOffset now)
    {
        if (State == SessionState.Ended) return false;
        SlurmState = job.Phase == JobPhase.Unknown ? job.RawState : null;
        // Slurm's own end time for a running job is exact; now + time left drifts by the moment of the look.
        if (job.Phase is JobPhase.Running or JobPhase.Ending && job.EndTime is { } slurmEnd) EndsAt = slurmEnd;
        else if (job.TimeLeft is { } left) EndsAt = now + left;
        if (job.Node is { Length: > 0 } node) Node = node;
        if (job.NodeCount is > 0 and var count && job.Node is { Length: > 0 }) NodeCount = count;

        if (job.Phase.IsFinal())
        {
            var started = job.Phase is not (JobPhase.Pending or JobPhase.Gone) && job.Node is { Length: > 0 };
            if (started) StartedAt = job.StartTime ?? StartedAt ?? now;
            var reason = State == SessionState.Stopping
                ? StoppedAsIdle ? Sessions.EndReason.StoppedAsIdle : Sessions.EndReason.StoppedByUser
                : ReasonFor(job.Phase);
            var endedAt = started && job.EndTime is { } e && e >= StartedAt ? e : now;
            // A purged job's record is lost; a job that vanished at its end time almost surely reached its walltime.
            if (reason == Sessions.EndReason.Vanished && EndsAt is { } end && now >= end - TimeSpan.FromMinutes(1))
            {
                reason = Sessions.EndReason.WalltimeReached;
                if (StartedAt is { } s && end >= s) endedAt = end;
            }

            return End(reason, job.Phase == JobPhase.Gone ? null : job.RawState, endedAt);
        }

        switch (job.Phase)
        {
            case JobPhase.Pending:
                var changed = State == SessionState.Submitting
                    || (State == SessionState.Queued && !string.Equals(PendingReason, job.PendingReason, StringComparison.Ordinal));
                if (State is SessionState.Submitting) State = SessionState.Queued;
                PendingReason = job.PendingReason;
                ExpectedStart = job.ExpectedStart;
                return changed;
            case JobPhase.Running or JobPhase.Ending:
                StartedAt = job.StartTime ?? StartedAt ?? now;
                PendingReason = null;
                if (State == SessionState.Stopping) return false;
                if (job.Jupyter is not null && ReadyAt is null)
                {
                    ReadyAt = now;
                    LabPort = job.Jupyter.Port;
                    State = SessionState.Ready;
                    return true;
                }

                if (State is SessionState.Submitting or SessionState.Queued)
                {
                    State = SessionState.Starting;
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    private static EndReason ReasonFor(JobPhase phase) => phase switch
    {
        JobPhase.Completed => Sessions.EndReason.Completed,
        JobPhase.Cancelled => Sessions.EndReason.Cancelled,
        JobPhase.TimedOut => Sessions.EndReason.WalltimeReached,
        JobPhase.NodeFailed => Sessions.EndReason.NodeFailure,
        JobPhase.OutOfMemory => Sessions.EndReason.OutOfMemory,
        JobPhase.Preempted => Sessions.EndReason.Preempted,
        JobPhase.Gone => Sessions.EndReason.Vanished,
        _ => Sessions.EndReason.Failed,
    };

    public static Session Create(
        SessionId id, ChatUserId owner, ClusterUser login, ClusterProfile cluster, StartOptions options,
        int localPort, int nodePort, DateTimeOffset now) => new()
    {
        Id = id,
        Owner = owner,
        Login = login,
        Cluster = cluster.Name,
        Account = options.Account ?? cluster.DefaultAccount,
        Partition = options.Partition ?? cluster.DefaultPartition,
        Nodes = options.Nodes,
        Walltime = options.Walltime.Duration,
        LocalPort = localPort,
        NodePort = nodePort,
        Verbose = options.Verbose,
        Gpus = options.Gpus,
        Environment = cluster.EnvironmentFor(options.Environment) ?? "",
        KeepAlive = options.KeepAlive,
        IdleAfter = options.Idle is { } idle ? (idle == TimeSpan.Zero ? null : idle) : cluster.IdleAfter,
        CreatedAt = now,
    };

    /// <summary>A session with this one's settings that Slurm starts when this one's job ends (whatever its end).</summary>
    public Session CreateFollowOn(DateTimeOffset now) => new()
    {
        Id = SessionId.Derive(Id, "follow-on"),
        Owner = Owner,
        Login = Login,
        Cluster = Cluster,
        Account = Account,
        Partition = Partition,
        Nodes = Nodes,
        Walltime = Walltime,
        // The two never run at once, so the follow-on keeps the port the user already opens, and the node port too
        // (Slurm starts it only once the first job has ended; should the port still be taken, the job moves to
        // another): on the same node, the running tunnel then carries on unchanged.
        LocalPort = LocalPort,
        NodePort = LabPort ?? NodePort,
        Verbose = Verbose,
        Gpus = Gpus,
        Environment = Environment,
        IdleAfter = IdleAfter,
        CreatedAt = now,
        FollowsJob = JobId ?? throw new InvalidOperationException("A follow-on needs the job it follows."),
        FollowsSession = Id,
    };

    public JobRequest ToJobRequest() =>
        new(Id, Account, Partition, Nodes, Commands.Walltime.FromTimeSpan(Walltime), NodePort) { Gpus = Gpus, After = FollowsJob, Environment = Environment, KeepTokenOf = FollowsJob is null ? null : FollowsSession };
}

/// <summary>A read-only picture of a session at one moment, for replies and messages.</summary>
public sealed record SessionView(
    SessionId Id,
    SlurmJobId? JobId,
    SessionState State,
    string Cluster,
    string Account,
    string Partition,
    int Nodes,
    TimeSpan Walltime,
    int LocalPort,
    string? Node,
    string? PendingReason,
    DateTimeOffset? EndsAt,
    TimeSpan? TimeLeft,
    EndReason? EndReason,
    string? EndDetail,
    TimeSpan? RanFor,
    bool Verbose,
    DateTimeOffset? ExpectedStart = null,
    SlurmJobId? FollowsJob = null,
    bool HasFollowOn = false,
    string? SlurmState = null,
    SessionUsage? Usage = null,
    string? Explanation = null,
    Continuation? Continues = null);

/// <summary>
/// A follow-on's ready message: the session it continues, and what changed for the person (usually only the node).
/// On a Unix socket (<see cref="OnSocket"/>) each job's socket is new, so the tunnel always changes.
/// </summary>
public sealed record Continuation(SlurmJobId? PreviousJob, string? PreviousNode, int? PreviousPort, string Node, int? Port, bool TokenKept)
{
    public bool OnSocket { get; init; }

    public bool SameTunnel => !OnSocket && PreviousNode == Node && PreviousPort == Port;
}
