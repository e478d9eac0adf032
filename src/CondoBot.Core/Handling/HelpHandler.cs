using CondoBot.Core.Commands;

namespace CondoBot.Core.Commands
{
    public sealed record HelpCommand : Command
    {
        public override bool ChangesNothing => true;

        /// <summary>Anything after <c>help</c> is ignored: whoever typed it wants the help text.</summary>
        internal static ParseResult Parse(ReadOnlySpan<string> args) => ParseResult.Of(new HelpCommand());
    }
}

namespace CondoBot.Core.Handling
{
    /// <summary><c>help</c>: every verb's forms and what each does, from the parser's table.</summary>
    public sealed class HelpHandler : ICommandHandler<HelpCommand>
    {
        public Task<Reply> HandleAsync(ChatUserId user, HelpCommand command, CancellationToken cancellationToken) =>
            Task.FromResult<Reply>(Usage.Full);
    }
}
