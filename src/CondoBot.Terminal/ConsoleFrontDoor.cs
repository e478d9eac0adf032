using CondoBot.Core;
using CondoBot.Core.Handling;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CondoBot.Terminal;

/// <summary>
/// Reads one command per line (with or without <c>/condo</c>) and prints the immediate reply; direct messages are
/// printed by <see cref="ConsoleNotifier"/>. When stdin closes it waits for sessions still on their way to ready, and
/// for queued messages, then stops the program.
/// </summary>
public sealed class ConsoleFrontDoor(
    TerminalIo io,
    CommandDispatcher dispatcher,
    ISessionStore sessions,
    INoticeOutbox outbox,
    IOptions<TerminalOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time) : BackgroundService
{
    public ChatUserId User => new(ConsoleNotifier.PlatformName, options.Value.User);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting (Hangfire, the dispatcher) before taking commands.
        await Task.Yield();
        if (options.Value.LogFile.Length > 0) io.Write($"(The service's own log is in {Path.GetFullPath(options.Value.LogFile)}.)");
        while (!stoppingToken.IsCancellationRequested)
        {
            var line = await io.Input.ReadLineAsync(stoppingToken);
            if (line is null) break;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var reply = await dispatcher.DispatchAsync(new ChatRequest(User, line), stoppingToken);
            io.Write(reply.Text);
        }

        await DrainAsync(stoppingToken);
        await TellStillRunningAsync(stoppingToken);
        lifetime.StopApplication();
    }

    /// <summary>
    /// Ending the console does not end the sessions: their jobs keep running on the allocation. Say which, and how to
    /// stop them, so nothing runs on unnoticed.
    /// </summary>
    private async Task TellStillRunningAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var active = (await sessions.ListAsync(User, now, cancellationToken)).Where(s => s.State is not SessionState.Ended).ToList();
        if (active.Count == 0) return;
        var lines = active.Select(s => "• " + NoticeText.StatusLine(s.View(now)));
        var example = active.FirstOrDefault(s => s.JobId is not null)?.JobId?.ToString() ?? "JOBID";
        io.Write(
            $"Still running on the cluster, using your allocation until they end:\n{string.Join('\n', lines)}\n" +
            $"They carry on without this console. Stop one by running CondoBot again and typing `stop {example}`, " +
            $"or on the login node with `scancel {example}`.");
    }

    private async Task DrainAsync(CancellationToken stoppingToken)
    {
        var deadline = time.GetUtcNow() + options.Value.DrainTimeout;
        while (!stoppingToken.IsCancellationRequested && time.GetUtcNow() < deadline)
        {
            if (await SettledAsync(stoppingToken)) return;
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, stoppingToken);
        }

        io.Write("(stopped waiting: some sessions are still on their way; they carry on and I will pick them up next time)");
    }

    /// <summary>Nothing left to tell the user: every session is ready or ended, and no message waits.</summary>
    private async Task<bool> SettledAsync(CancellationToken cancellationToken)
    {
        var mine = await sessions.ListAsync(User, DateTimeOffset.MinValue, cancellationToken);
        if (mine.Any(s => s.State is not (SessionState.Ready or SessionState.Ended))) return false;
        var waiting = await outbox.DueAsync(DateTimeOffset.MaxValue, 1000, cancellationToken);
        return !waiting.Any(n => n.Notice.To == User);
    }
}
