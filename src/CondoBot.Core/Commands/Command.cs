namespace CondoBot.Core.Commands;

/// <summary>What a user asked for, after parsing; the same on every front door.</summary>
public abstract record Command
{
    /// <summary>
    /// True when handling this changes nothing (it only reads): running it twice is the same as running it once, so a
    /// front door need not record it to recognise a repeated delivery.
    /// </summary>
    public virtual bool ChangesNothing => false;
}

/// <summary>A command about one session: the one with <see cref="JobId"/>, or without one the user's only active session.</summary>
public abstract record JobCommand(SlurmJobId? JobId) : Command;

public sealed record StartCommand(StartOptions Options) : Command;

/// <summary>Stop one session (by job id) or, without one, the user's only active session.</summary>
public sealed record StopCommand(SlurmJobId? JobId) : JobCommand(JobId);

public sealed record StatusCommand : Command
{
    public override bool ChangesNothing => true;
}

/// <summary>Send the connection instructions again (after a laptop slept, say).</summary>
public sealed record TunnelCommand(SlurmJobId? JobId) : JobCommand(JobId);

/// <summary>Queue a follow-on session that starts when this one ends (same settings, fresh tunnel).</summary>
public sealed record RenewCommand(SlurmJobId? JobId) : JobCommand(JobId);

/// <summary>Link the chat user to a cluster login and issue a delegated key for it.</summary>
public sealed record KeyLinkCommand(ClusterUser User) : Command;

public sealed record KeyCheckCommand : Command;

public sealed record KeyRevokeCommand : Command;

public sealed record HelpCommand : Command
{
    public override bool ChangesNothing => true;
}

/// <summary>List a cluster's environments (or every cluster's), for <c>start --env NAME</c>.</summary>
public sealed record EnvsCommand(string? Cluster) : Command
{
    public override bool ChangesNothing => true;
}

/// <summary>Postpone the idle question about one of the user's sessions by <paramref name="For"/>.</summary>
public sealed record KeepCommand(SlurmJobId JobId, TimeSpan For) : Command;
