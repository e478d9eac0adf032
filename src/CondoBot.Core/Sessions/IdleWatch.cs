using CondoBot.Core.Clusters;

namespace CondoBot.Core.Sessions;

/// <summary>What the idle watch decided on one look at a ready session.</summary>
public enum IdleStep
{
    /// <summary>Nothing to say or do.</summary>
    None,
    /// <summary>Idle for its <see cref="Session.IdleAfter"/>: ask the owner, once, whether to stop it.</summary>
    Ask,
    /// <summary>Asked, no answer and still idle after the grace: stop it.</summary>
    Stop,
    /// <summary>Asked, and JupyterLab was used since: the pending stop is off.</summary>
    Resumed,
}

/// <summary>
/// Decides about a ready session from JupyterLab's own activity report. Invariants: a session with a busy kernel (a
/// running cell) is never asked about nor stopped; it is stopped only after its owner was asked and
/// <see cref="SessionOptions.IdleGrace"/> passed with no activity since; a report too old to trust decides nothing.
/// </summary>
public static class IdleWatch
{
    /// <summary>What the idle question's Keep button postpones it by.</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromHours(2);

    /// <summary>
    /// An activity report older than this (JupyterLab not answering its own job, say) is not trusted: the job writes one
    /// every half minute.
    /// </summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    /// <summary>Takes in the report and answers what to do; the session's idle fields are updated to match.</summary>
    public static IdleStep Decide(Session session, LabActivity? activity, DateTimeOffset now, TimeSpan grace)
    {
        if (session.State != SessionState.Ready || session.IdleAfter is not { } after || activity is null) return IdleStep.None;
        if (now - activity.CheckedAt > StaleAfter) return IdleStep.None;

        var activeAt = activity.ActiveAt(now);
        if (session.LastActivity is not { } seen || activeAt > seen) session.LastActivity = activeAt;

        if (session.IdleAskedAt is { } asked)
        {
            if (activity.BusyKernels > 0 || session.LastActivity > asked)
            {
                session.IdleAskedAt = null;
                return IdleStep.Resumed;
            }

            return now - asked >= grace ? IdleStep.Stop : IdleStep.None;
        }

        if (activity.BusyKernels > 0 || session.IdleKeptUntil is { } kept && now < kept) return IdleStep.None;
        if (now - session.LastActivity < after) return IdleStep.None;
        session.IdleAskedAt = now;
        return IdleStep.Ask;
    }

    /// <summary>
    /// When the watch next has something to decide, for the poll cycle: the end of the grace while a question is
    /// pending, else when the lab would have been idle for its limit; null when the session is not watched.
    /// </summary>
    public static DateTimeOffset? NextDecision(Session session, TimeSpan grace)
    {
        if (session.State != SessionState.Ready || session.IdleAfter is not { } after || session.LastActivity is not { } last) return null;
        if (session.IdleAskedAt is { } asked) return asked + grace;
        var due = last + after;
        return session.IdleKeptUntil is { } kept && kept > due ? kept : due;
    }

    /// <summary>"62 min" (whole minutes from a minute on), else seconds.</summary>
    public static string DescribeIdle(TimeSpan idle) =>
        idle >= TimeSpan.FromMinutes(1)
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(long)idle.TotalMinutes} min")
            : Durations.Describe(idle);
}
