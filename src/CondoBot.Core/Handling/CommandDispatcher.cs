using CondoBot.Core.Commands;
using Microsoft.Extensions.Logging;

namespace CondoBot.Core.Handling;

/// <summary>
/// Parses a request and hands the command to its handler. Handlers only validate, record and enqueue: nothing here
/// waits on the cluster or a chat platform, so every front door can answer at once.
/// </summary>
public sealed partial class CommandDispatcher(
    StartHandler start,
    StopHandler stop,
    StatusHandler status,
    TunnelHandler tunnel,
    RenewHandler renew,
    KeyHandler key,
    ILogger<CommandDispatcher> logger)
{
    public async Task<Reply> DispatchAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["ChatUser"] = request.User.ToString() });
        var parsed = CommandParser.Parse(request.Text);
        if (parsed.Command is null)
        {
            LogRefused(parsed.Error);
            return parsed.UsageReply;
        }

        LogCommand(parsed.Command.GetType().Name);
        return parsed.Command switch
        {
            StartCommand c => await start.HandleAsync(request.User, c, cancellationToken),
            StopCommand c => await stop.HandleAsync(request.User, c, cancellationToken),
            StatusCommand => await status.HandleAsync(request.User, cancellationToken),
            TunnelCommand c => await tunnel.HandleAsync(request.User, c, cancellationToken),
            RenewCommand c => await renew.HandleAsync(request.User, c, cancellationToken),
            KeyLinkCommand c => await key.LinkAsync(request.User, c, cancellationToken),
            KeyCheckCommand => await key.CheckAsync(request.User, cancellationToken),
            KeyRevokeCommand => await key.RevokeAsync(request.User, cancellationToken),
            HelpCommand => Usage.Full,
            _ => throw new InvalidOperationException($"No handler for {parsed.Command.GetType().Name}."),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {Command}")]
    private partial void LogCommand(string command);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused command: {Error}")]
    private partial void LogRefused(string? error);
}
