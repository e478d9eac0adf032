using CondoBot.Core;
using CondoBot.Core.Clusters;

namespace CondoBot.Cluster.Slurm;

/// <summary>
/// One login's CondoBot jobs as last seen, shared by the polls of that login's sessions: one squeue (and one read of
/// the connection files) answers them all. Invariant: a poll is answered only by a look that started after the same
/// job's previous answer, and no older than <c>maxAge</c>; so at most one squeue runs per cycle of the login's fastest
/// polling session, whatever the number of sessions, and no session sees the same look twice. Concurrent polls share
/// the look in flight. A submission or cancellation makes every earlier look unusable. Every look lists all the login's
/// jobs, but reads only the connection files of the sessions the board knew when it started: a running job's session
/// new to the board is looked at again, with its file.
/// </summary>
internal sealed class JobBoard(TimeProvider time)
{
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<SlurmJobId, Tracked> _tracked = [];
    private long _sequence;
    private long _invalidThrough;
    private Look? _inFlight;
    private Look? _latest;

    /// <summary>
    /// The job as a shared look saw it; null when that look did not list it (then only a look at the job alone can
    /// tell whether Slurm purged it). <paramref name="look"/> runs the board command for the given sessions.
    /// </summary>
    public async Task<Result<JobSnapshot?>> GetAsync(
        SlurmJobId job, SessionId session, TimeSpan maxAge,
        Func<IReadOnlyCollection<SessionId>, Task<Result<BoardOutput>>> look, CancellationToken cancellationToken)
    {
        Look chosen;
        lock (_gate)
        {
            var now = time.GetTimestamp();
            var floor = _invalidThrough;
            if (_tracked.TryGetValue(job, out var known)) floor = Math.Max(floor, known.AnsweredBy);
            _tracked[job] = new Tracked(session, now, known?.AnsweredBy ?? 0);
            chosen = Usable(_inFlight, floor, now, maxAge) ?? Usable(_latest, floor, now, maxAge) ?? Start(look, now);
        }

        var output = await chosen.Task.WaitAsync(cancellationToken);
        if (!output.Succeeded) return output.Problem;
        var snapshot = output.Value.Find(job, session);
        if (snapshot?.Phase == JobPhase.Running && !chosen.Sessions.Contains(session))
        {
            // Its connection file was not read in that look (the session was new to the board): look again, with it.
            lock (_gate)
            {
                chosen = _inFlight is { } next && next.Sequence > chosen.Sequence && next.Sessions.Contains(session)
                    ? next
                    : Start(look, time.GetTimestamp());
            }

            output = await chosen.Task.WaitAsync(cancellationToken);
            if (!output.Succeeded) return output.Problem;
            snapshot = output.Value.Find(job, session);
        }

        lock (_gate)
        {
            if (snapshot is null || snapshot.Phase.IsFinal()) _tracked.Remove(job);
            else if (_tracked.TryGetValue(job, out var t)) _tracked[job] = t with { AnsweredBy = Math.Max(t.AnsweredBy, chosen.Sequence) };
        }

        return snapshot;
    }

    /// <summary>After a submission or cancellation: the next poll looks again.</summary>
    public void Invalidate()
    {
        lock (_gate) _invalidThrough = _sequence;
    }

    private Look? Usable(Look? candidate, long floor, long now, TimeSpan maxAge) =>
        candidate is not null && candidate.Sequence > floor
        && time.GetElapsedTime(candidate.StartedAt, now) <= maxAge && !(candidate.Task.IsCompleted && !candidate.Task.Result.Succeeded)
            ? candidate
            : null;

    private Look Start(Func<IReadOnlyCollection<SessionId>, Task<Result<BoardOutput>>> look, long now)
    {
        foreach (var stale in _tracked.Where(t => time.GetElapsedTime(t.Value.AskedAt, now) > ForgetAfter).Select(t => t.Key).ToList())
        {
            _tracked.Remove(stale);
        }

        var sessions = _tracked.Values.Select(t => t.Session).ToHashSet();
        var started = new Look(++_sequence, now, sessions);
        started.Task = RunAsync(started, look);
        _inFlight = started;
        return started;
    }

    private async Task<Result<BoardOutput>> RunAsync(Look started, Func<IReadOnlyCollection<SessionId>, Task<Result<BoardOutput>>> look)
    {
        // Not the first caller's cancellation: the others waiting on this look would lose their answer too.
        var output = await Task.Run(() => look(started.Sessions));
        lock (_gate)
        {
            if (ReferenceEquals(_inFlight, started)) _inFlight = null;
            if (output.Succeeded && (_latest is null || _latest.Sequence < started.Sequence)) _latest = started;
        }

        return output;
    }

    private sealed record Tracked(SessionId Session, long AskedAt, long AnsweredBy);

    private sealed class Look(long sequence, long startedAt, HashSet<SessionId> sessions)
    {
        public long Sequence { get; } = sequence;

        public long StartedAt { get; } = startedAt;

        public HashSet<SessionId> Sessions { get; } = sessions;

        public Task<Result<BoardOutput>> Task { get; set; } = null!;
    }
}
