namespace CondoBot.Core.Audit;

/// <summary>
/// One line of the audit trail: a command someone gave, or something the bot did on their behalf (a key created or
/// revoked, sbatch, scancel). Never holds a secret: no token, no key, no job script, and no raw chat text except a
/// short, cleaned copy of a command that was refused (see <see cref="AuditText"/>).
/// </summary>
public sealed record AuditEntry
{
    /// <summary>The store's number for the entry (increasing); 0 until it is recorded.</summary>
    public long Id { get; init; }

    public required DateTimeOffset At { get; init; }

    public required ChatUserId User { get; init; }

    /// <summary>The command's verb (<c>start</c>, <c>key link</c>...) or the action (<c>sbatch</c>, <c>scancel</c>, <c>key created</c>).</summary>
    public required string Action { get; init; }

    public required AuditOutcome Outcome { get; init; }

    /// <summary>The cluster login the bot acted as, when known.</summary>
    public ClusterUser? Login { get; init; }

    public string? Cluster { get; init; }

    public SlurmJobId? JobId { get; init; }

    public SessionId? Session { get; init; }

    /// <summary>The command as parsed (verb and validated flags), or the cleaned text of a refused one.</summary>
    public string? Detail { get; init; }

    /// <summary>Why it was refused or failed, in a few words.</summary>
    public string? Reason { get; init; }
}

public enum AuditOutcome
{
    Ok,
    /// <summary>Not done because of what was asked (bad input, no key, Slurm said no).</summary>
    Refused,
    /// <summary>Not done because something failed (the login node did not answer).</summary>
    Failed,
}

/// <summary>Which entries an administrator asks for: newest first, at most <see cref="Limit"/>.</summary>
public sealed record AuditQuery(ChatUserId? User = null, int Limit = AuditQuery.DefaultLimit, long? Before = null)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
}
