using CondoBot.Core;
using CondoBot.Core.Audit;
using SQLite;

namespace CondoBot.Storage;

/// <summary>One audit entry as stored.</summary>
internal sealed class AuditRow
{
    [Column("id")]
    public long Id { get; set; }

    [Column("at")]
    public long At { get; set; }

    [Column("chat_user")]
    public string ChatUser { get; set; } = "";

    [Column("action")]
    public string Action { get; set; } = "";

    [Column("outcome")]
    public string Outcome { get; set; } = "";

    [Column("login")]
    public string? Login { get; set; }

    [Column("cluster")]
    public string? Cluster { get; set; }

    [Column("job_id")]
    public long? JobId { get; set; }

    [Column("session_id")]
    public string? SessionId { get; set; }

    [Column("detail")]
    public string? Detail { get; set; }

    [Column("reason")]
    public string? Reason { get; set; }

    public AuditEntry ToEntry() => new()
    {
        Id = Id,
        At = DateTimeOffset.FromUnixTimeMilliseconds(At),
        User = ChatUserId.TryParse(ChatUser, out var user) ? user.Value : new ChatUserId("unknown", ChatUser),
        Action = Action,
        Outcome = Enum.Parse<AuditOutcome>(Outcome, ignoreCase: true),
        Login = Login is null ? null : new ClusterUser(Login),
        Cluster = Cluster,
        JobId = JobId is { } job ? new SlurmJobId(job) : null,
        Session = Core.SessionId.TryParse(SessionId, out var session) ? session : null,
        Detail = Detail,
        Reason = Reason,
    };
}
