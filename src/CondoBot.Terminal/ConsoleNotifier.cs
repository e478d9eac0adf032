using CondoBot.Core.Notices;

namespace CondoBot.Terminal;

/// <summary>Direct messages to the console user, printed as they are sent.</summary>
public sealed class ConsoleNotifier(TerminalIo io) : INotifier
{
    public const string PlatformName = "console";

    public string Platform => PlatformName;

    public Task<Delivery> DeliverAsync(Notice notice, CancellationToken cancellationToken)
    {
        io.Write($"--- message from CondoBot ---\n{NoticeText.Render(notice)}\n---");
        return Task.FromResult(Delivery.Done);
    }
}
