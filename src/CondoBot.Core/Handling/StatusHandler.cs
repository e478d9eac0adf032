using CondoBot.Core.Commands;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using Microsoft.Extensions.Options;

namespace CondoBot.Core.Commands
{
    public sealed record StatusCommand : Command
    {
        public override bool ChangesNothing => true;

        internal static ParseResult Parse(ReadOnlySpan<string> args) => CommandParser.NoArguments(args, "status", new StatusCommand());
    }
}

namespace CondoBot.Core.Handling
{
    /// <summary><c>status</c>: the user's sessions as last seen (no round-trip to the cluster).</summary>
    public sealed class StatusHandler(ISessionStore sessions, IOptions<SessionOptions> options, TimeProvider time) : ICommandHandler<StatusCommand>
    {
        public async Task<Reply> HandleAsync(ChatUserId user, StatusCommand command, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            var mine = await sessions.ListAsync(user, now - options.Value.ShowEndedFor, cancellationToken);
            if (mine.Count == 0) return "You have no sessions. `start` begins one.";
            return string.Join('\n', mine.Select(s => "• " + NoticeText.StatusLine(s.View(now))));
        }
    }
}
