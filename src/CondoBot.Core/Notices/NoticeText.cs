using System.Globalization;
using CondoBot.Core.Sessions;
using CondoBot.Core.Tunnels;

namespace CondoBot.Core.Notices;

/// <summary>
/// Notices as plain text with light markdown (backticks for commands). The console prints it as is; chat front doors
/// use it as their fallback text.
/// </summary>
public static class NoticeText
{
    public static string Render(Notice notice) => notice switch
    {
        SessionUpdate { Tunnel: { } tunnel } u => Ready(u.Session, tunnel),
        SessionUpdate u => Update(u.Session),
        TunnelNotice t => Ready(t.Session, t.Tunnel),
        TextNotice t => t.Text,
        ReminderNotice r => Reminder(r.Session, r.Before),
        IdleNotice i => Idle(i),
        _ => notice.ToString(),
    };

    /// <summary>
    /// The notice without the JupyterLab token: what a chat platform may show where others can see it (push
    /// notifications, lock screens, previews). The link with the token is only in the message body.
    /// </summary>
    public static string Summary(Notice notice) => notice switch
    {
        SessionUpdate { Tunnel: { } tunnel } u => Ready(u.Session, tunnel, withUrl: false),
        TunnelNotice t => Ready(t.Session, t.Tunnel, withUrl: false),
        _ => Render(notice),
    };

    public static string StatusLine(SessionView s)
    {
        var job = s.JobId is { } id ? $"job {id}" : "new session";
        var what = s.State switch
        {
            SessionState.Submitting => "being submitted",
            SessionState.Queued => "queued" + Reason(s.PendingReason) + ExpectedStart(s),
            SessionState.Starting => $"starting on {s.Node}",
            SessionState.Ready => $"ready on {s.Node}, {Left(s)} (local port {s.LocalPort}){SoFar(s)}",
            SessionState.Stopping => "stopping",
            _ => $"ended: {s.EndReason?.Describe()}" + (s.RanFor is { } ran ? $" after {Durations.Describe(ran)}" : "")
                + (s.Usage is { } used ? $", {used.Describe()}" : "")
                + (s.Usage?.Unspent is { } unspent && s.EndReason != EndReason.WalltimeReached ? $", {Durations.Describe(unspent)} of the walltime unspent" : ""),
        };
        if (s.SlurmState is { } raw) what += $" (Slurm says {raw})";
        var account = s.Account.Length > 0 ? $", account {s.Account}" : "";
        return $"{job} on {s.Cluster}: {what} ({s.Nodes} node{(s.Nodes == 1 ? "" : "s")}, {Durations.Describe(s.Walltime)}{account})";
    }

    private static string Update(SessionView s) => s.State switch
    {
        SessionState.Queued when s.FollowsJob is { } first =>
            $"Follow-on job {s.JobId} is queued on {s.Cluster}; it starts when job {first} ends, and I'll send you fresh connection instructions then.",
        SessionState.Queued => $"Job {s.JobId} is queued on {s.Cluster}{Reason(s.PendingReason)}{ExpectedStart(s)}. I'll message you when JupyterLab is ready.",
        SessionState.Starting => $"Job {s.JobId} is starting on {s.Node}; JupyterLab is on its way.",
        SessionState.Ended => Ended(s),
        _ => StatusLine(s),
    };

    private static string Ended(SessionView s)
    {
        var job = s.JobId is { } id ? $"Job {id}" : "Your session";
        var ran = s.RanFor is { } r ? $" after {Durations.Describe(r)}" : " before it started";
        var detail = s.EndDetail is { Length: > 0 } d && s.EndReason is EndReason.RejectedBySlurm or EndReason.NotAuthorized or EndReason.ClusterUnreachable
            ? $"\n{d}"
            : "";
        var why = s.Explanation is { Length: > 0 } e ? $"\n{e}" : "";
        var others = s.EndReason == EndReason.NotAuthorized
            ? $"\nAny other session of yours waiting to log in to {s.Cluster} ends the same way, without a message of its own (`status` lists them)."
            : "";
        return $"{job} has ended{ran}: {s.EndReason?.Describe()}.{Used(s)}{detail}{why}{others}";
    }

    /// <summary>
    /// The allocation a session took, by Slurm's start and end times, and, when it ended early, the walltime it left
    /// unspent (not for a job that ran to its limit, which overruns it by the seconds Slurm takes to stop it).
    /// </summary>
    private static string Used(SessionView s)
    {
        if (s.Usage is not { } used) return "";
        var nodes = used.Nodes == 1 ? "1 node" : string.Create(CultureInfo.InvariantCulture, $"{used.Nodes} nodes");
        var text = $" It used {used.Describe()} ({nodes} for {Durations.Describe(used.Elapsed)}, by Slurm's start and end times).";
        if (used.Unspent is { } unspent && s.EndReason == EndReason.StoppedAsIdle)
        {
            text += $" Stopping it saved {Hours(unspent.TotalHours * used.Nodes)} of the allocation ({Durations.Describe(unspent)} of its {Durations.Describe(s.Walltime)} walltime left, on {nodes}).";
        }
        else if (used.Unspent is { } left && s.EndReason != EndReason.WalltimeReached)
        {
            text += $" {Durations.Describe(left)} of its {Durations.Describe(s.Walltime)} walltime went unspent.";
        }

        return text;
    }

    private static string Hours(double nodeHours) =>
        string.Create(CultureInfo.InvariantCulture, $"{nodeHours:0.00} node-hour{(Math.Round(nodeHours, 2) == 1 ? "" : "s")}");

    private static string SoFar(SessionView s) => s.Usage is { } used ? $", {used.Describe()} so far" : "";

    private static string Ready(SessionView s, TunnelInstructions t, bool withUrl = true)
    {
        var lines = new List<string>
        {
            s.Continues is { } c
                ? $"JupyterLab is ready again on {t.Node} (follow-on job {s.JobId}, continuing job {c.PreviousJob}, {Left(s)}). {Continuation(c)}"
                : $"JupyterLab is ready on {t.Node} (job {s.JobId}, {Left(s)}).",
            "Inside the lab network, run on your computer:",
            $"```{t.Inside}```",
        };
        if (t.Outside is not null)
        {
            lines.Add("Outside the lab network, hop through the external login host:");
            lines.Add($"```{t.Outside}```");
        }

        lines.Add(withUrl ? $"Then open {t.Url}" : "Then open the link in this message (it carries your JupyterLab token).");
        if (t.StepByStep.Count > 0 && s.Verbose)
        {
            lines.Add("Step by step (for an ssh without -J):");
            lines.AddRange(t.StepByStep.Select((step, i) => string.Create(CultureInfo.InvariantCulture, $"  {i + 1}. {step}")));
        }

        lines.Add($"When you are done: `stop {s.JobId}` (or File > Shut Down in JupyterLab), then Ctrl+C the tunnel.");
        return string.Join('\n', lines);
    }

    /// <summary>What changed for the person between a session and its follow-on, and so what they need to do.</summary>
    public static string Continuation(Continuation c)
    {
        var changed = new List<string>();
        if (c.PreviousNode != c.Node) changed.Add($"the node ({c.PreviousNode ?? "unknown"} → {c.Node})");
        if (c.OnSocket) changed.Add("JupyterLab's socket on the node (each job has its own)");
        else if (c.PreviousPort != c.Port) changed.Add($"the port on the node ({(c.PreviousPort is { } p ? p.ToString(CultureInfo.InvariantCulture) : "unknown")} → {(c.Port is { } q ? q.ToString(CultureInfo.InvariantCulture) : "unknown")})");
        if (!c.TokenKept) changed.Add("the token");
        if (changed.Count == 0)
        {
            return "Nothing changed (same node, port and token): your tunnel and open browser tab carry on; reload the tab if it shows a connection error.";
        }

        var what = "What changed: " + string.Join(" and ", changed) + ".";
        var tunnel = c.SameTunnel ? " Your tunnel carries on as it is." : " Stop your old tunnel (Ctrl+C) and run the new command below.";
        var tab = c.TokenKept
            ? " The URL and its token are the same, so your open browser tab reconnects once the tunnel is up."
            : " Open the new URL below (the old token no longer works).";
        return what + tunnel + tab;
    }

    private static string Reminder(SessionView s, TimeSpan before)
    {
        var end = s.EndsAt is { } at ? $" (at {at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC)" : "";
        var lines = new List<string>
        {
            $"Job {s.JobId} on {s.Node} reaches its walltime in {Durations.Describe(before)}{end}. Save your work now: JupyterLab stops then.",
            $"`stop {s.JobId}` ends it now.",
        };
        lines.Add(s.HasFollowOn
            ? "A follow-on session is already queued; I'll send its connection instructions when it starts."
            : $"`renew {s.JobId}` queues a follow-on session with the same settings that starts when this one ends.");
        return string.Join('\n', lines);
    }

    /// <summary>The idle question's first line, which notifications show; then the answers in words.</summary>
    public static string IdleQuestion(IdleNotice notice)
    {
        var s = notice.Session;
        var nodes = s.Usage?.Nodes ?? s.Nodes;
        var used = s.Usage is { } u ? $", {u.Describe()} so far" : "";
        return $"JupyterLab on {s.Node} has been idle for {IdleWatch.DescribeIdle(notice.IdleFor)} ({nodes} node{(nodes == 1 ? "" : "s")}{used}).";
    }

    private static string Idle(IdleNotice notice)
    {
        var job = notice.Session.JobId;
        return string.Join('\n',
            IdleQuestion(notice),
            $"Still using it? `keep {job} {(long)IdleWatch.KeepFor.TotalHours}h` (or another duration) and I will not ask again before then; `stop {job}` ends it now.",
            $"With no answer, and no activity in JupyterLab, I stop it in {Durations.Describe(notice.Grace)}. A running cell counts as activity: a busy kernel is never stopped.");
    }

    private static string ExpectedStart(SessionView s) => s.ExpectedStart is { } at
        ? $", expected to start around {at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC"
        : "";

    private static string Left(SessionView s) => s.TimeLeft is { } left
        ? $"{Durations.Describe(left)} left, until {s.EndsAt!.Value.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC"
        : $"walltime {Durations.Describe(s.Walltime)}";

    private static string Reason(string? reason) => PendingReasons.Explain(reason) is { } words ? $" ({words})" : "";
}
