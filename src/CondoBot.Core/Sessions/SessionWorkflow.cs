using CondoBot.Core.Audit;
using CondoBot.Core.Clusters;
using CondoBot.Core.Notices;
using CondoBot.Core.Tunnels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CondoBot.Core.Sessions;

/// <summary>
/// The background steps of a session's life. Each step loads the session, does one short thing on the cluster, saves
/// the session with what the user should hear, and schedules the next step. Every step is safe to run twice. Each
/// sbatch and scancel is written to the audit trail, whatever its outcome, under the session's owner. Invariant: a
/// session's sbatch runs only under its submission claim (<see cref="ISubmissionClaims"/>), after a look for a job
/// already carrying its id, so however many submission steps run, at once or after a crash, one job is submitted.
/// </summary>
public sealed partial class SessionWorkflow(
    ISessionStore sessions,
    ISubmissionClaims claims,
    INoticeOutbox outbox,
    ICluster cluster,
    ClusterCatalog clusters,
    ISessionWork work,
    IAuditLog audit,
    IOptions<SessionOptions> options,
    TimeProvider time,
    ILogger<SessionWorkflow> logger,
    RefusedLogins refusals,
    FaultPoints? faults = null)
{
    private readonly FaultPoints _faults = faults ?? FaultPoints.None;

    private SessionOptions Options => options.Value;

    public async Task SubmitAsync(SessionId id, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(id, cancellationToken);
        if (session is null || session.State != SessionState.Submitting) return;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SessionId"] = id.ToString() });

        await using var lease = await SubmissionLease.TryTakeAsync(claims, id, Options.SubmitLease, time, cancellationToken);
        if (lease is null)
        {
            // Another step is submitting it (one queued again by the watchdog or the hand-over, say). Should that one die, its claim runs
            // out and the watchdog queues the submission again.
            LogClaimHeld();
            return;
        }

        // Read again under the claim: a stop saved before the claim was taken shows here, and one saved after it makes
        // its cancellation wait for this step (see CancelAsync).
        session = await sessions.GetAsync(id, cancellationToken);
        if (session is null || session.State != SessionState.Submitting) return;

        if (refusals.For(session) is { } refused)
        {
            await FailedToReachAsync(session, refused, delay => work.Retry(new(id, SessionStepKind.Submit, 0), delay), cancellationToken, loggedIn: false);
            return;
        }

        if (session.JobId is null)
        {
            // A submission that crashed after sbatch answered left a job carrying this session's id: adopt it.
            var found = await cluster.FindJobAsync(session.Actor, id, cancellationToken);
            if (!found.Succeeded)
            {
                await FailedToReachAsync(session, found.Problem, delay => work.Retry(new(id, SessionStepKind.Submit, 0), delay), cancellationToken);
                return;
            }

            refusals.Accepted(session.Actor);

            var jobId = found.Value;
            if (jobId is null)
            {
                _faults.Reached(FaultPoints.BeforeSbatch);
                if (!lease.IsHeld)
                {
                    // Stalled past the lease: another step may have taken over and submitted; let the next one look.
                    throw new SubmissionLeaseLostException(id);
                }

                var submitted = await cluster.SubmitAsync(session.Actor, session.ToJobRequest(), cancellationToken);
                session.JobId = submitted.Succeeded ? submitted.Value : null;
                await audit.RecordAsync(SessionAudit.Action(session, "sbatch", submitted.Problem, time.GetUtcNow()), cancellationToken);
                if (!submitted.Succeeded)
                {
                    await FailedToReachAsync(session, submitted.Problem, delay => work.Retry(new(id, SessionStepKind.Submit, 0), delay), cancellationToken);
                    return;
                }

                jobId = submitted.Value;
                LogSubmitted(jobId.Value.Value, session.Owner.ToString());
                _faults.Reached(FaultPoints.AfterSbatch);
            }
            else
            {
                // The crash may have come before sbatch's entry was written: note the adopted job, so none goes unrecorded.
                session.JobId = jobId;
                await audit.RecordAsync(SessionAudit.Action(session, "sbatch", null, time.GetUtcNow()) with { Reason = "adopted after a restart" }, cancellationToken);
            }

            session.JobId = jobId;
        }

        session.State = SessionState.Queued;
        session.ClearFailures();
        session.PollToken++;
        var firstLook = TimeSpan.FromSeconds(1);
        session.NextStepAt = time.GetUtcNow() + firstLook;
        try
        {
            await sessions.SaveAsync(session, [Update(session)], cancellationToken);
        }
        catch (SessionConflictException)
        {
            await KeepJobAsync(id, session.JobId!.Value, cancellationToken);
            return;
        }

        work.Poll(id, session.PollToken, firstLook);
    }

    /// <summary>
    /// The session changed while its job was being submitted, most likely by a stop. Its cancellation waits for this
    /// step's claim, so the job is noted on the fresh session for it to cancel; a session that ended meanwhile without
    /// the job has its job cancelled here, so no job is left running unseen. A session still submitting (another kind
    /// of change) is left to a rerun of the step, which adopts the job.
    /// </summary>
    private async Task KeepJobAsync(SessionId id, SlurmJobId jobId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var fresh = await sessions.GetAsync(id, cancellationToken);
            if (fresh is null || fresh.JobId is not null) return;
            if (fresh.State == SessionState.Submitting) throw new SessionConflictException(id);
            fresh.JobId = jobId;
            if (fresh.State == SessionState.Ended)
            {
                var cancelled = await cluster.CancelAsync(fresh.Actor, jobId, cancellationToken);
                await audit.RecordAsync(SessionAudit.Action(fresh, "scancel", cancelled.Problem, time.GetUtcNow()) with { Reason = "submitted while the session ended" }, cancellationToken);
            }

            try
            {
                await sessions.SaveAsync(fresh, [], cancellationToken);
                return;
            }
            catch (SessionConflictException) when (attempt < 5)
            {
            }
        }
    }

    public async Task PollAsync(SessionId id, int pollToken, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(id, cancellationToken);
        if (session is null || session.PollToken != pollToken || session.JobId is not { } jobId || !session.State.IsActive()) return;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SessionId"] = id.ToString(), ["JobId"] = jobId.Value });

        if (refusals.For(session) is { } refused)
        {
            session.PollToken++;
            await FailedToReachAsync(session, refused, delay => work.Retry(new(id, SessionStepKind.Poll, session.PollToken), delay), cancellationToken, loggedIn: false);
            return;
        }

        var snapshot = await cluster.GetJobAsync(session.Actor, jobId, id, cancellationToken);
        if (!snapshot.Succeeded)
        {
            session.PollToken++;
            await FailedToReachAsync(session, snapshot.Problem, delay => work.Retry(new(id, SessionStepKind.Poll, session.PollToken), delay), cancellationToken);
            return;
        }

        refusals.Accepted(session.Actor);
        var now = time.GetUtcNow();
        if (session.FollowsSession is { } first && snapshot.Value.Phase != JobPhase.Pending
            && await WaitForPredecessorAsync(session, first, now, cancellationToken))
        {
            return;
        }

        var wasUnreachable = session.ClearFailures();
        if (snapshot.Value.PendingReason == "DependencyNeverSatisfied")
        {
            // Its predecessor ended in a way that means Slurm will never start it: cancel, rather than wait forever.
            var cancelled = await cluster.CancelAsync(session.Actor, jobId, cancellationToken);
            await audit.RecordAsync(SessionAudit.Action(session, "scancel", cancelled.Problem, now), cancellationToken);
            session.End(EndReason.DependencyNeverSatisfied, null, now);
            await sessions.SaveAsync(session, [Update(session)], cancellationToken);
            return;
        }

        var knownBefore = session.SlurmState;
        var tell = session.Observe(snapshot.Value, now);
        if (tell && session.EndedBeforeReady) await ExplainAsync(session, cancellationToken);
        var notices = new List<Notice>();
        if (session.SlurmState is { } raw && raw != knownBefore)
        {
            notices.Add(new TextNotice(session.Owner,
                $"Slurm reports job {jobId} as {raw}, a state I do not know. I keep watching it and will tell you when it changes; `stop {jobId}` cancels it.", id));
        }

        if (wasUnreachable)
        {
            notices.Add(new TextNotice(session.Owner, $"I can reach {session.Cluster} again; job {jobId} is {snapshot.Value.RawState.ToLowerInvariant()}.", id));
        }

        if (tell) notices.Add(await ReadyOrUpdateAsync(session, snapshot.Value.Jupyter, cancellationToken));
        if (session.State == SessionState.Queued && !session.QueueHintSent && now - session.CreatedAt >= Options.QueueHintAfter)
        {
            session.QueueHintSent = true;
            notices.Add(await QueueHintAsync(session, cancellationToken));
        }

        var idle = IdleWatch.Decide(session, snapshot.Value.Activity, now, Options.IdleGrace);
        Idle(session, idle, now, notices);

        var dueReminder = session.State == SessionState.Ready ? DueReminder(session, now) : null;
        if (dueReminder is not null) notices.Add(dueReminder);
        var reminders = session.State == SessionState.Ready ? ScheduleReminders(session, now) : [];
        await EnsureFollowOnAsync(session, now, cancellationToken);
        var next = session.State.IsActive() && idle != IdleStep.Stop ? NextPoll(session, snapshot.Value, now) : (TimeSpan?)null;
        if (next is not null)
        {
            session.PollToken++;
            session.NextStepAt = now + next;
        }

        if (tell && session.State == SessionState.Ready) _faults.Reached(FaultPoints.BeforeReadySaved);
        if (dueReminder is not null) _faults.Reached(FaultPoints.BeforeReminderSaved);
        await sessions.SaveAsync(session, notices, cancellationToken);
        foreach (var (before, delay) in reminders) work.Remind(id, before, session.RemindersFor!.Value, delay);
        if (next is { } wait) work.Poll(id, session.PollToken, wait);
        if (idle == IdleStep.Stop)
        {
            work.Cancel(id);
            // Stopped as idle means done, as with stop: a queued follow-on would only start another idle lab.
            if (session.FollowOn is { } followOn) await StopFollowOnAsync(followOn, cancellationToken);
        }
    }

    private async Task StopFollowOnAsync(SessionId id, CancellationToken cancellationToken) =>
        await Handling.SessionEdits.UpdateAsync(sessions, id, s => s.BeginStop(time.GetUtcNow()), cancellationToken);

    /// <summary>
    /// Acts on the idle watch's decision: the question, the note that a pending stop is off, or the stop itself, which
    /// takes the same path as <c>stop</c> (the cancellation step, then the ended notice, which says why and what it saved).
    /// </summary>
    private void Idle(Session session, IdleStep step, DateTimeOffset now, List<Notice> notices)
    {
        switch (step)
        {
            case IdleStep.Ask:
                LogIdleAsked();
                notices.Add(new IdleNotice(session.Owner, session.View(now), now - session.LastActivity!.Value, Options.IdleGrace));
                break;
            case IdleStep.Resumed:
                notices.Add(new TextNotice(session.Owner, $"JupyterLab on {session.Node} is in use again, so I will not stop job {session.JobId}.", session.Id));
                break;
            case IdleStep.Stop:
                LogIdleStopped();
                session.State = SessionState.Stopping;
                session.StoppedAsIdle = true;
                session.KeepAlive = false;
                session.PollToken++;
                session.NextStepAt = now;
                break;
        }
    }

    /// <summary>
    /// Reads the last lines of a job that ended before JupyterLab answered and notes why, for the ended notice. One more
    /// round-trip, once per such session; output that cannot be read is said so, and the session still ends.
    /// </summary>
    private async Task ExplainAsync(Session session, CancellationToken cancellationToken)
    {
        var output = await cluster.JobOutputAsync(session.Actor, session.JobId!.Value, cancellationToken);
        session.Explanation = output.Succeeded
            ? StartFailures.Explain(output.Value, session.Cluster, session.JobId.Value)
            : $"JupyterLab stopped before it answered; its output could not be read ({output.Problem.Message.TrimEnd('.')}).";
    }

    /// <summary>
    /// Slurm starts a follow-on only once the job it follows has ended (<c>afterany</c>), so a follow-on seen running
    /// means its predecessor ended, perhaps before the predecessor's own poll noticed. So that the person reads one story,
    /// the follow-on's news waits for the predecessor's ended notice: the predecessor is looked at now, and this session
    /// again shortly. Answers whether it waits; not longer than <see cref="PredecessorWaitMax"/> (a predecessor whose
    /// login node stopped answering, say), after which the follow-on goes on alone.
    /// </summary>
    private async Task<bool> WaitForPredecessorAsync(Session session, SessionId first, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var before = await sessions.GetAsync(first, cancellationToken);
        if (before is null || before.State == SessionState.Ended || now - (session.WaitingForPredecessorSince ?? now) > PredecessorWaitMax)
        {
            return false;
        }

        session.WaitingForPredecessorSince ??= now;
        work.Poll(first, before.PollToken, TimeSpan.Zero);
        var look = Options.PollInterval;
        session.PollToken++;
        session.NextStepAt = now + look;
        await sessions.SaveAsync(session, [], cancellationToken);
        work.Poll(session.Id, session.PollToken, look);
        return true;
    }

    internal static readonly TimeSpan PredecessorWaitMax = TimeSpan.FromMinutes(1);

    /// <summary>
    /// When to look again. While the job runs but JupyterLab is not answering yet, the user is seconds from the message
    /// they wait for, so at the fastest rate. A job in the queue is looked at less often the longer it has waited (a
    /// tenth of its wait so far, between the fastest rate and <see cref="SessionOptions.QueuedPollMax"/>): fresh jobs
    /// often start within seconds, long waiters rarely change, and each look costs the login node a login. Slurm's
    /// expected start, when it has one, brings the next look forward to that moment.
    /// </summary>
    internal TimeSpan NextPoll(Session session, JobSnapshot snapshot, DateTimeOffset now)
    {
        if (session.State == SessionState.Ready) return NextReadyPoll(session, snapshot, now);
        if (snapshot.Phase == JobPhase.Unknown) return Options.RunningPollInterval;
        var fastest = Options.PollInterval;
        if (snapshot.Phase != JobPhase.Pending) return fastest;
        var slowest = Options.QueuedPollMax > fastest ? Options.QueuedPollMax : fastest;
        var delay = TimeSpan.FromTicks(Math.Clamp((now - session.CreatedAt).Ticks / 10, fastest.Ticks, slowest.Ticks));
        if (snapshot.ExpectedStart is { } start && start - now < delay) delay = start - now > fastest ? start - now : fastest;
        return delay;
    }

    /// <summary>
    /// A ready session is looked at on the slow cycle, except around its end: woken at the moment its walltime runs out
    /// (Slurm's own end time), then looked at every <see cref="SessionOptions.EndPollInterval"/> until Slurm reports the
    /// end, as also while the job is completing. A few looks per session, once, rather than a faster cycle for all.
    /// Past the end by more than <see cref="EndWatchFor"/> (a time limit Slurm extended, say), back to the slow cycle.
    /// </summary>
    private TimeSpan NextReadyPoll(Session session, JobSnapshot snapshot, DateTimeOffset now)
    {
        var slow = Options.RunningPollInterval;
        var close = Options.EndPollInterval < slow ? Options.EndPollInterval : slow;
        if (snapshot.Phase == JobPhase.Ending) return close;
        if (session.EndsAt is { } end && now <= end + EndWatchFor && now >= end) return close;
        var wait = session.EndsAt is { } ends && now < ends && ends - now < slow ? ends - now : slow;
        // The idle question and the end of its grace come on time too, not up to a slow cycle late.
        if (IdleWatch.NextDecision(session, Options.IdleGrace) is { } decide && decide > now && decide - now < wait)
        {
            wait = decide - now > Options.PollInterval ? decide - now : Options.PollInterval;
        }

        return wait;
    }

    /// <summary>How long past its end time a ready session is watched closely for Slurm's end.</summary>
    internal static readonly TimeSpan EndWatchFor = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Records the follow-on of a keep-alive session once its job id is known. The follow-on's id is derived from this
    /// session's, and it is stored before this session points to it, so a step that crashes or runs twice still
    /// leaves exactly one follow-on; its submission step is recorded with it (<see cref="ISessionStore.TryAddAsync"/>).
    /// </summary>
    private async Task EnsureFollowOnAsync(Session session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!session.KeepAlive || session.FollowOn is not null || session.JobId is null || !session.State.IsActive() || session.State == SessionState.Stopping)
        {
            return;
        }

        var cluster = clusters.Get(session.Cluster);
        var followOn = session.CreateFollowOn(now);
        await sessions.TryAddAsync(followOn, cancellationToken);
        session.FollowOn = followOn.Id;
    }

    /// <summary>
    /// Sends one reminder. Invariant: each offset is queued for the user at most once per session (the mark and the
    /// notice are saved together), and a reminder scheduled for an end time that has since moved does nothing.
    /// </summary>
    public async Task RemindAsync(SessionId id, TimeSpan before, DateTimeOffset endsAt, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(id, cancellationToken);
        var offset = (int)before.TotalSeconds;
        if (session is null || session.State is not SessionState.Ready || session.RemindersSent.Contains(offset)) return;
        if (session.RemindersFor is not { } scheduledFor || Math.Abs((scheduledFor - endsAt).TotalSeconds) >= 1) return;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SessionId"] = id.ToString() });

        session.RemindersSent.Add(offset);
        _faults.Reached(FaultPoints.BeforeReminderSaved);
        await sessions.SaveAsync(session, [new ReminderNotice(session.Owner, session.View(time.GetUtcNow()), before)], cancellationToken);
    }

    /// <summary>
    /// (Re)plans the reminders when the end time is first known or has moved by more than a minute (squeue's time
    /// left is read at a slightly different moment on every poll, so small drifts are ignored).
    /// </summary>
    /// <summary>
    /// A reminder whose time has come but which its own scheduled step has not sent yet (that step late in the job
    /// queue, or the session's job found ready only after the reminder's time): the poll sends it, so a reminder does
    /// not depend on the scheduler alone. When several are due, only the nearest is sent, and the earlier ones are
    /// marked sent: a person should not get "15 minutes left" and "5 minutes left" in one breath.
    /// </summary>
    private ReminderNotice? DueReminder(Session session, DateTimeOffset now)
    {
        if (session.EndsAt is not { } endsAt || now >= endsAt) return null;
        var due = Options.Reminders
            .Where(before => before < session.Walltime && now >= endsAt - before && !session.RemindersSent.Contains((int)before.TotalSeconds))
            .ToList();
        if (due.Count == 0) return null;
        foreach (var before in due) session.RemindersSent.Add((int)before.TotalSeconds);
        return new ReminderNotice(session.Owner, session.View(now), due.Min());
    }

    private List<(TimeSpan Before, TimeSpan Delay)> ScheduleReminders(Session session, DateTimeOffset now)
    {
        if (session.EndsAt is not { } endsAt) return [];
        if (session.RemindersFor is { } planned && Math.Abs((planned - endsAt).TotalMinutes) < 1) return [];
        session.RemindersFor = endsAt;
        return Options.Reminders
            .Where(before => before < session.Walltime && !session.RemindersSent.Contains((int)before.TotalSeconds))
            .Select(before => (before, Delay: endsAt - before - now))
            .Select(r => (r.before, r.Delay < TimeSpan.Zero ? TimeSpan.Zero : r.Delay))
            .ToList();
    }

    private async Task<Notice> QueueHintAsync(Session session, CancellationToken cancellationToken)
    {
        var idle = await cluster.IdlePartitionsAsync(session.Actor, cancellationToken);
        var waited = Durations.Describe(time.GetUtcNow() - session.CreatedAt);
        var others = idle.Succeeded
            ? idle.Value.Where(p => p.Name != session.Partition && p.IdleNodes >= session.Nodes).ToList()
            : [];
        var text = $"Job {session.JobId} has waited {waited}{(session.PendingReason is { } r ? $" ({PendingReasons.Explain(r) ?? r})" : "")}. " +
            "A shorter walltime (`-t`) often starts sooner, because the scheduler can fit it in between other jobs.";
        if (others.Count > 0)
        {
            text += " Partitions with idle nodes now: " + string.Join(", ", others.Select(p =>
                $"{p.Name} ({p.IdleNodes} idle{(p.MaxTime is { } max ? $", up to {Durations.Describe(max)}" : "")})")) +
                $". `stop {session.JobId}` and `start --partition NAME` to move.";
        }

        return new TextNotice(session.Owner, text, session.Id);
    }

    public async Task CancelAsync(SessionId id, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(id, cancellationToken);
        if (session is null || session.State != SessionState.Stopping) return;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SessionId"] = id.ToString() });

        if (session.JobId is not { } jobId)
        {
            if (await claims.ClaimedUntilAsync(id, cancellationToken) is { } until && until > time.GetUtcNow())
            {
                // A submission is in flight: wait for it, since the job it creates is the one to cancel (it notes the
                // job on this session once sbatch answers, or gives the claim up having found none).
                work.Cancel(id, TimeSpan.FromSeconds(1));
                return;
            }

            // Stopped before sbatch answered: look once more, so a job submitted in the meantime is not left running.
            var found = await cluster.FindJobAsync(session.Actor, id, cancellationToken);
            if (!found.Succeeded)
            {
                await FailedToReachAsync(session, found.Problem, delay => work.Retry(new(id, SessionStepKind.Cancel, 0), delay), cancellationToken);
                return;
            }

            if (found.Value is null)
            {
                session.End(EndReason.StoppedByUser, null, time.GetUtcNow());
                await sessions.SaveAsync(session, [Update(session)], cancellationToken);
                return;
            }

            session.JobId = jobId = found.Value.Value;
        }

        var cancelled = await cluster.CancelAsync(session.Actor, jobId, cancellationToken);
        await audit.RecordAsync(SessionAudit.Action(session, "scancel", cancelled.Problem, time.GetUtcNow()), cancellationToken);
        if (!cancelled.Succeeded)
        {
            await FailedToReachAsync(session, cancelled.Problem, delay => work.Retry(new(id, SessionStepKind.Cancel, 0), delay), cancellationToken);
            return;
        }

        LogCancelled(jobId.Value);
        session.PollToken++;
        var look = TimeSpan.FromMilliseconds(500);
        session.NextStepAt = time.GetUtcNow() + look;
        await sessions.SaveAsync(session, [], cancellationToken);
        work.Poll(id, session.PollToken, look);
    }

    public async Task SendTunnelAsync(SessionId id, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(id, cancellationToken);
        if (session is null || session.JobId is not { } jobId) return;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SessionId"] = id.ToString(), ["JobId"] = jobId.Value });
        var snapshot = await cluster.GetJobAsync(session.Actor, jobId, id, cancellationToken);
        Notice notice = snapshot switch
        {
            { Succeeded: false } => new TextNotice(session.Owner, $"Could not read job {jobId}'s connection details: {snapshot.Problem.Message}", id),
            { Value.Jupyter: { } jupyter } => new TunnelNotice(session.Owner, session.View(time.GetUtcNow()), Tunnel(session, jupyter)),
            _ => new TextNotice(session.Owner, $"Job {jobId} has no JupyterLab answering yet ({snapshot.Value.RawState}); I will send the instructions when it is ready.", id),
        };
        await outbox.AddAsync(notice, cancellationToken);
    }

    /// <summary>The update to tell; a follow-on's ready message also says what changed from the session it continues.</summary>
    private async Task<SessionUpdate> ReadyOrUpdateAsync(Session session, JupyterEndpoint? jupyter, CancellationToken cancellationToken)
    {
        var update = Update(session, jupyter);
        if (update.Tunnel is null || jupyter is null || session.FollowsSession is not { } first) return update;
        var before = await sessions.GetAsync(first, cancellationToken);
        var continues = new Continuation(before?.JobId ?? session.FollowsJob, before?.Node, before?.LabPort, jupyter.Node, jupyter.Port, jupyter.TokenKept) { OnSocket = jupyter.Socket is not null };
        return update with { Session = update.Session with { Continues = continues } };
    }

    private SessionUpdate Update(Session session, JupyterEndpoint? jupyter = null) =>
        new(session.Owner, session.View(time.GetUtcNow()), jupyter is null || session.State != SessionState.Ready ? null : Tunnel(session, jupyter));

    private TunnelInstructions Tunnel(Session session, JupyterEndpoint jupyter) =>
        TunnelInstructions.Build(clusters.Get(session.Cluster), session.Login, session.LocalPort, jupyter);

    /// <summary>
    /// A step could not be done. Slurm's and the key's refusals end the session with the reason; an unreachable
    /// login node is retried with back-off until it has been unreachable for <see cref="SessionOptions.GiveUpAfter"/>.
    /// A refused key is remembered (<see cref="RefusedLogins"/>) unless the refusal is itself a remembered one
    /// (<paramref name="loggedIn"/> false).
    /// </summary>
    private async Task FailedToReachAsync(Session session, Problem problem, Action<TimeSpan> retry, CancellationToken cancellationToken, bool loggedIn = true)
    {
        var now = time.GetUtcNow();
        LogStepFailed(problem.Kind, problem.Message);
        if (loggedIn && problem.Kind == ProblemKind.NotAuthorized) refusals.Refused(session.Actor, problem);
        if (problem.Kind is ProblemKind.ClusterUnavailable)
        {
            session.UnreachableSince ??= now;
            if (now - session.UnreachableSince < Options.GiveUpAfter)
            {
                session.Failures++;
                var tell = !session.ToldUnreachable && now - session.UnreachableSince >= Options.TellUnreachableAfter;
                session.ToldUnreachable |= tell;
                Notice[] notices = tell
                    ? [new TextNotice(session.Owner,
                        $"I cannot reach the login node of {session.Cluster} since {session.UnreachableSince.Value.UtcDateTime:HH:mm} UTC ({problem.Message.TrimEnd('.')}). " +
                        $"Your session{(session.JobId is { } j ? $" (job {j})" : "")} is safe on the cluster; I keep trying and will tell you when I can see it again.", session.Id)]
                    : [];
                var delay = Backoff(session.Failures);
                session.NextStepAt = now + delay;
                await sessions.SaveAsync(session, notices, cancellationToken);
                retry(delay);
                return;
            }
        }

        var reason = problem.Kind switch
        {
            ProblemKind.SlurmRejected or ProblemKind.BadInput => EndReason.RejectedBySlurm,
            ProblemKind.NotAuthorized or ProblemKind.GateOutdated => EndReason.NotAuthorized,
            _ => EndReason.ClusterUnreachable,
        };
        session.End(reason, problem.Message, now);
        // A remembered refusal: the person was told when their key was refused, with a word that their other waiting
        // sessions end too (NoticeText), so this one only redraws its status.
        var quiet = !loggedIn && reason == EndReason.NotAuthorized;
        await sessions.SaveAsync(session, [Update(session) with { Quiet = quiet }], cancellationToken);
    }

    /// <summary>2 s, 4 s ... capped at two minutes, for an unreachable login node.</summary>
    internal static TimeSpan Backoff(int failures) => TimeSpan.FromSeconds(Math.Min(120, Math.Pow(2, Math.Clamp(failures, 1, 7))));

    [LoggerMessage(Level = LogLevel.Information, Message = "Submitted job {JobId} for {Owner}")]
    private partial void LogSubmitted(long jobId, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "JupyterLab is idle: asking the owner whether to stop it")]
    private partial void LogIdleAsked();

    [LoggerMessage(Level = LogLevel.Information, Message = "JupyterLab stayed idle with the question unanswered: stopping it")]
    private partial void LogIdleStopped();

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancelled job {JobId}")]
    private partial void LogCancelled(long jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another step holds this session's submission; leaving it to that one")]
    private partial void LogClaimHeld();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session step failed ({Kind}): {Reason}")]
    private partial void LogStepFailed(ProblemKind kind, string reason);
}
