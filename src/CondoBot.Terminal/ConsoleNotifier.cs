using CondoBot.Core.Notices;

namespace CondoBot.Terminal;

/// <summary>Direct messages to the console user, printed as they are sent.</summary>
public sealed class ConsoleNotifier(TerminalIo io) : INotifier
{
    public const string PlatformName = "console";

    public string Platform => PlatformName;

    public Task<Delivery> DeliverAsync(Notice notice, CancellationToken cancellationToken)
    {
        // The console keeps no status of its own to redraw: a quiet update (told already) prints nothing.
        if (notice is SessionUpdate { Quiet: true }) return Task.FromResult(Delivery.Done);
        io.Write($"--- message from CondoBot ---\n{NoticeText.Render(notice)}\n---");
        return Task.FromResult(Delivery.Done);
    }
}
