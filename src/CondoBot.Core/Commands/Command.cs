namespace CondoBot.Core.Commands;

/// <summary>
/// What a user asked for, after parsing; the same on every front door. Each command is declared in its handler's
/// file (<c>Handling/StopHandler.cs</c> holds <c>StopCommand</c>, its parse function and <c>StopHandler</c>); only
/// <see cref="StartCommand"/>, whose flags are a table of their own, sits beside its options.
/// </summary>
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
