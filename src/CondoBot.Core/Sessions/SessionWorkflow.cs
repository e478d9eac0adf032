using CondoBot.Core.Clusters;
using CondoBot.Core.Notices;
using CondoBot.Core.Tunnels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CondoBot.Core.Sessions;

/// <summary>
/// The background steps of a session's life. Each step loads the session, does one short thing on the cluster, saves
/// the session with what the user should hear, and schedules the next step. Every step is safe to run twice.
/// </summary>
public sealed partial class SessionWorkflow(
    ISessionStore sessions,
    ICluster cluster,
    ClusterCatalog clusters,
    ISessionWork work,
    IOptions<SessionOptions> options,
    TimeProvider time,
    ILogger<SessionWorkflow> logger)
{
    private SessionOptions Options => options.Value;

    public async Task SubmitAsync(SessionId id, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(id, cancellationToken);
        if (session is null || session.State != SessionState.Submitting) return;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SessionId"] = id.ToString() });

        if (session.JobId is null)
        {
            // A submission that crashed after sbatch answered left a job carrying this session's id: adopt it.
            var found = await cluster.FindJobAsync(session.Actor, id, cancellationToken);
            if (!found.Succeeded)
            {
                await FailedToReachAsync(session, found.Problem, delay => work.Submit(id, delay), cancellationToken);
                return;
            }

            var jobId = found.Value;
            if (jobId is null)
            {
                var submitted = await cluster.SubmitAsync(session.Actor, session.ToJobRequest(), cancellationToken);
                if (!submitted.Succeeded)
                {
                    await FailedToReachAsync(session, submitted.Problem, delay => work.Submit(id, delay), cancellationToken);
                    return;
                }

                jobId = submitted.Value;
                LogSubmitted(jobId.Value.Value, session.Owner.ToString());
            }

            session.JobId = jobId;
        }

        session.State = SessionState.Queued;
        session.ClearFailures();
        session.PollToken++;
        await sessions.SaveAsync(session, [Update(session)], cancellationToken);
        work.Poll(id, session.PollToken, TimeSpan.FromSeconds(1));
    }

    public async Task PollAsync(SessionId id, int pollToken, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(id, cancellationToken);
        if (session is null || session.PollToken != pollToken || session.JobId is not { } jobId || !session.State.IsActive()) return;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SessionId"] = id.ToString(), ["JobId"] = jobId.Value });

        var snapshot = await cluster.GetJobAsync(session.Actor, jobId, id, cancellationToken);
        if (!snapshot.Succeeded)
        {
            session.PollToken++;
            await FailedToReachAsync(session, snapshot.Problem, delay => work.Poll(id, session.PollToken, delay), cancellationToken);
            return;
        }

        session.ClearFailures();
        var tell = session.Observe(snapshot.Value, time.GetUtcNow());
        var notices = tell ? [Update(session, snapshot.Value.Jupyter)] : Array.Empty<Notice>();
        if (session.State.IsActive())
        {
            session.PollToken++;
        }

        await sessions.SaveAsync(session, notices, cancellationToken);
        if (session.State.IsActive())
        {
            var next = session.State == SessionState.Ready ? Options.RunningPollInterval : Options.PollInterval;
            work.Poll(id, session.PollToken, next);
        }
    }

    public async Task CancelAsync(SessionId id, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(id, cancellationToken);
        if (session is null || session.State != SessionState.Stopping) return;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SessionId"] = id.ToString() });

        if (session.JobId is not { } jobId)
        {
            // Stopped before sbatch answered: look once more, so a job submitted in the meantime is not left running.
            var found = await cluster.FindJobAsync(session.Actor, id, cancellationToken);
            if (!found.Succeeded)
            {
                await FailedToReachAsync(session, found.Problem, delay => work.Cancel(id, delay), cancellationToken);
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
        if (!cancelled.Succeeded)
        {
            await FailedToReachAsync(session, cancelled.Problem, delay => work.Cancel(id, delay), cancellationToken);
            return;
        }

        LogCancelled(jobId.Value);
        session.PollToken++;
        await sessions.SaveAsync(session, [], cancellationToken);
        work.Poll(id, session.PollToken, TimeSpan.FromMilliseconds(500));
    }

    public async Task SendTunnelAsync(SessionId id, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(id, cancellationToken);
        if (session is null || session.JobId is not { } jobId) return;
        var snapshot = await cluster.GetJobAsync(session.Actor, jobId, id, cancellationToken);
        Notice notice = snapshot switch
        {
            { Succeeded: false } => new TextNotice(session.Owner, $"Could not read job {jobId}'s connection details: {snapshot.Problem.Message}", id),
            { Value.Jupyter: { } jupyter } => new TunnelNotice(session.Owner, session.View(time.GetUtcNow()), Tunnel(session, jupyter)),
            _ => new TextNotice(session.Owner, $"Job {jobId} has no JupyterLab answering yet ({snapshot.Value.RawState}); I will send the instructions when it is ready.", id),
        };
        await sessions.SaveAsync(session, [notice], cancellationToken);
    }

    private SessionUpdate Update(Session session, JupyterEndpoint? jupyter = null) =>
        new(session.Owner, session.View(time.GetUtcNow()), jupyter is null || session.State != SessionState.Ready ? null : Tunnel(session, jupyter));

    private TunnelInstructions Tunnel(Session session, JupyterEndpoint jupyter) =>
        TunnelInstructions.Build(clusters.Get(session.Cluster), session.Login, session.LocalPort, jupyter);

    /// <summary>
    /// A step could not be done. Slurm's and the key's refusals end the session with the reason; an unreachable
    /// login node is retried with back-off until it has been unreachable for <see cref="SessionOptions.GiveUpAfter"/>.
    /// </summary>
    private async Task FailedToReachAsync(Session session, Problem problem, Action<TimeSpan> retry, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        LogStepFailed(problem.Kind, problem.Message);
        if (problem.Kind is ProblemKind.ClusterUnavailable)
        {
            session.UnreachableSince ??= now;
            if (now - session.UnreachableSince < Options.GiveUpAfter)
            {
                session.Failures++;
                await sessions.SaveAsync(session, [], cancellationToken);
                retry(Backoff(session.Failures));
                return;
            }
        }

        var reason = problem.Kind switch
        {
            ProblemKind.SlurmRejected or ProblemKind.BadInput => EndReason.RejectedBySlurm,
            ProblemKind.NotAuthorized => EndReason.NotAuthorized,
            _ => EndReason.ClusterUnreachable,
        };
        session.End(reason, problem.Message, now);
        await sessions.SaveAsync(session, [Update(session)], cancellationToken);
    }

    /// <summary>2 s, 4 s ... capped at two minutes, for an unreachable login node.</summary>
    internal static TimeSpan Backoff(int failures) => TimeSpan.FromSeconds(Math.Min(120, Math.Pow(2, Math.Clamp(failures, 1, 7))));

    [LoggerMessage(Level = LogLevel.Information, Message = "Submitted job {JobId} for {Owner}")]
    private partial void LogSubmitted(long jobId, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancelled job {JobId}")]
    private partial void LogCancelled(long jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session step failed ({Kind}): {Reason}")]
    private partial void LogStepFailed(ProblemKind kind, string reason);
}
