using CondoBot.Core.Audit;

namespace CondoBot.Core.Sessions;

/// <summary>The audit trail's lines for what a session's steps do on the cluster (sbatch, scancel).</summary>
internal static class SessionAudit
{
    public static AuditEntry Action(Session session, string action, Problem? problem, DateTimeOffset at) => new()
    {
        At = at,
        User = session.Owner,
        Action = action,
        Login = session.Login,
        Cluster = session.Cluster,
        JobId = session.JobId,
        Session = session.Id,
        Outcome = problem switch
        {
            null => AuditOutcome.Ok,
            { Kind: ProblemKind.ClusterUnavailable or ProblemKind.HostKeyMismatch } => AuditOutcome.Failed,
            _ => AuditOutcome.Refused,
        },
        Reason = problem is null ? null : AuditText.Clean($"{problem.Kind}: {problem.Message}"),
    };
}
