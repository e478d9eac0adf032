using CondoBot.Core.Clusters;

namespace CondoBot.Core.Sessions;

/// <summary>
/// Paces the first logins of a backlog. After a restart, sessions that were never submitted may belong to people whose
/// keys the login node no longer accepts, and nothing tells which until it is tried. Each refused login costs the
/// bot's address a penalty at an OpenSSH login node (<c>PerSourcePenalties</c>, on by default since OpenSSH 9.8: 5 s
/// per failed authentication, and the address is shut out once 15 s have piled up), so trying them all at once
/// would shut everyone out, not only their owners. So the submissions of sessions created before this process
/// started, of people whose key has not been accepted since, log in one person at a time, <see cref="Interval"/>
/// apart (each person's first; their others follow once its answer had time to come); a
/// submission that cannot have its turn at once is put back on the backlog lane (<see cref="ISessionWork.Retry"/>);
/// there, it may wait up to <see cref="MaxWait"/> for its turn first, since only that lane's workers wait. Once one
/// of a person's logins is refused, their other sessions end with the same answer without logging in (<see cref="RefusedLogins"/>); once one is accepted,
/// theirs go ahead unpaced. Sessions started since this process started, and every poll, are never paced.
/// </summary>
/// <param name="started">When this process started (not when this was first needed: a session started since is never paced).</param>
public sealed class BacklogLogins(ISessionStore sessions, ISessionWork work, RefusedLogins refusals, TimeProvider time, DateTimeOffset started)
{
    /// <summary>The gap between two paced logins: one failed authentication's penalty, so they never pile up.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>The longest a submission waits for its turn before it is put back (well under the job queue's invisibility timeout).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<Actor, DateTimeOffset> _waiting = [];
    private readonly Dictionary<Actor, DateTimeOffset> _tried = [];
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    /// <summary>
    /// Answers whether the session's submission may log in now; when not, it has been put back for later. Only a step
    /// on the backlog lane (<paramref name="mayWait"/>) waits for its turn; a fresh step never holds its worker.
    /// </summary>
    public async Task<bool> TakeTurnAsync(SessionId id, bool mayWait, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(id, cancellationToken);
        if (session is null || !IsPaced(session)) return true;
        var deadline = time.GetUtcNow() + (mayWait ? MaxWait : TimeSpan.Zero);
        while (true)
        {
            if (refusals.For(session) is not null || refusals.IsProven(session.Actor)) return true;
            var now = time.GetUtcNow();
            TimeSpan wait;
            lock (_gate)
            {
                if (_tried.TryGetValue(session.Actor, out var tried))
                {
                    // One login per person is paced: once its answer had time to come (a refusal or an acceptance
                    // decides for all their sessions; an unreachable node penalises no one), the rest go on.
                    if (now - tried >= Interval) return true;
                    wait = tried + Interval - now;
                }
                else if (now >= _next)
                {
                    _next = now + Interval;
                    _tried[session.Actor] = now;
                    _waiting.Remove(session.Actor);
                    return true;
                }
                else
                {
                    _waiting.TryAdd(session.Actor, now);
                    foreach (var stale in _waiting.Where(w => now - w.Value > Forget).Select(w => w.Key).ToList()) _waiting.Remove(stale);
                    var since = _waiting[session.Actor];
                    var ahead = _waiting.Count(w => w.Value < since);
                    wait = _next - now + Interval * ahead;
                }
            }

            if (now + wait > deadline)
            {
                await PutBackAsync(session, now, wait, cancellationToken);
                return false;
            }

            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private bool IsPaced(Session session) =>
        session is { State: SessionState.Submitting, JobId: null } && session.CreatedAt < started && !refusals.IsProven(session.Actor);

    /// <summary>
    /// Puts the submission back until about its turn (the people ahead of its own get one turn each), and moves the
    /// session's next step on, so the watchdog does not queue it again meanwhile.
    /// </summary>
    private async Task PutBackAsync(Session session, DateTimeOffset now, TimeSpan turn, CancellationToken cancellationToken)
    {
        var later = turn + TimeSpan.FromMilliseconds(Random.Shared.Next((int)Interval.TotalMilliseconds));
        session.NextStepAt = now + later;
        try
        {
            await sessions.SaveAsync(session, [], cancellationToken);
        }
        catch (SessionConflictException)
        {
            // Changed meanwhile (a stop, say): the step put back below reads the fresh state.
        }

        work.Retry(new SessionStep(session.Id, SessionStepKind.Submit, 0), later);
    }
}
