namespace CondoBot.Core.Commands;

/// <summary>
/// <c>start</c> with its options. Unlike the other verbs' commands it has a file of its own beside its options, as its
/// flags are a table of their own (<see cref="CommandParser.ParseStart"/>) that the start form also fills.
/// </summary>
public sealed record StartCommand(StartOptions Options) : Command;
