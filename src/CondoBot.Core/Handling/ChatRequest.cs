using CondoBot.Core.Audit;

namespace CondoBot.Core.Handling;

/// <summary>A command as it arrived on any front door, already authenticated by that front door.</summary>
public sealed record ChatRequest(ChatUserId User, string Text);

/// <summary>
/// The immediate answer, shown only to the person who asked, and what the audit trail should say about the command:
/// its outcome and, when the handler knows them, the login, cluster, job and session it concerned.
/// </summary>
public sealed record Reply(string Text)
{
    public AuditOutcome Outcome { get; init; } = AuditOutcome.Ok;

    /// <summary>Why the command was refused, in a few words (for the audit trail, not the user).</summary>
    public string? Reason { get; init; }

    public ClusterUser? Login { get; init; }

    public string? Cluster { get; init; }

    public SlurmJobId? JobId { get; init; }

    public SessionId? Session { get; init; }

    public static implicit operator Reply(string text) => new(text);

    public static Reply Refused(string text, string reason) => new(text) { Outcome = AuditOutcome.Refused, Reason = reason };

    public static Reply Refused(Problem problem) => Refused(problem.Message, problem.Kind.ToString());

    /// <summary>The reply to a command about <paramref name="session"/>.</summary>
    public Reply About(Sessions.Session session) =>
        this with { Login = session.Login, Cluster = session.Cluster, JobId = session.JobId, Session = session.Id };
}
