using CondoBot.Core.Commands;

namespace CondoBot.Core.Handling;

/// <summary>
/// Handles one kind of command for the user who sent it: validates, records, enqueues, and answers at once. A handler
/// is found by the command it implements this for, so a new verb's handler needs no registration of its own.
/// </summary>
public interface ICommandHandler<in TCommand>
    where TCommand : Command
{
    Task<Reply> HandleAsync(ChatUserId user, TCommand command, CancellationToken cancellationToken);
}
