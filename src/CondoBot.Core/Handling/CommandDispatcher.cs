using CondoBot.Core.Audit;
using CondoBot.Core.Commands;
using CondoBot.Core.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CondoBot.Core.Handling;

/// <summary>
/// Parses a request and hands the command to its handler. Handlers only validate, record and enqueue: nothing here
/// waits on the cluster or a chat platform, so every front door can answer at once. Every command, understood or not,
/// leaves one entry in the audit trail.
/// </summary>
public sealed partial class CommandDispatcher(
    IServiceProvider handlers,
    IAuditLog audit,
    TimeProvider time,
    ILogger<CommandDispatcher> logger,
    CondoBotMetrics? metrics = null)
{
    public Task<Reply> DispatchAsync(ChatRequest request, CancellationToken cancellationToken) =>
        DispatchAsync(request, CommandParser.Parse(request.Text), cancellationToken);

    /// <summary>Handles a request whose text the caller has already parsed (to ask whether it changes anything, say).</summary>
    public async Task<Reply> DispatchAsync(ChatRequest request, ParseResult parsed, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var reply = await HandleAsync(request, parsed, cancellationToken);
        var recorded = audit.RecordAsync(Entry(request, parsed, reply), CancellationToken.None);
        if (parsed.ChangesNothing)
        {
            // A command that changed nothing is answered without waiting for its entry to reach the disk: the reply
            // is on a user's acknowledgement path, and a crash in that instant loses the record of a look, not of an act.
            _ = ObserveAsync(recorded);
        }
        else
        {
            await recorded;
        }

        metrics?.Command(Kind(parsed.Command), System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return reply;
    }

    private async Task ObserveAsync(Task recorded)
    {
        try
        {
            await recorded;
        }
        catch (Exception ex)
        {
            LogAuditFailed(ex);
        }
    }

    /// <summary>The command's name for metrics (StartCommand: start), from the closed set of command types.</summary>
    private static string Kind(Command? command) =>
        command is null ? "refused" : command.GetType().Name.Replace("Command", "", StringComparison.Ordinal).ToLowerInvariant();

    private AuditEntry Entry(ChatRequest request, ParseResult parsed, Reply reply) => parsed.Command is { } command
        ? new AuditEntry
        {
            At = time.GetUtcNow(),
            User = request.User,
            Action = AuditText.Verb(command),
            Detail = AuditText.Describe(command),
            Outcome = reply.Outcome,
            Reason = reply.Reason,
            Login = reply.Login,
            Cluster = reply.Cluster,
            JobId = reply.JobId,
            Session = reply.Session,
        }
        : new AuditEntry
        {
            At = time.GetUtcNow(),
            User = request.User,
            Action = AuditText.RefusedVerb(request.Text),
            Detail = AuditText.Clean(request.Text),
            Outcome = AuditOutcome.Refused,
            Reason = AuditText.Clean(parsed.Error),
        };

    private async Task<Reply> HandleAsync(ChatRequest request, ParseResult parsed, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["ChatUser"] = request.User.ToString() });
        if (parsed.Command is null)
        {
            LogRefused(parsed.Error);
            return Reply.Refused(parsed.UsageReply, parsed.Error ?? "not understood");
        }

        LogCommand(parsed.Command.GetType().Name);
        var user = request.User;
        // One line per command: the handler is whichever implements ICommandHandler for it (see AddCommandHandlers).
        return parsed.Command switch
        {
            StartCommand c => await RunAsync(user, c, cancellationToken),
            StopCommand c => await RunAsync(user, c, cancellationToken),
            StatusCommand c => await RunAsync(user, c, cancellationToken),
            TunnelCommand c => await RunAsync(user, c, cancellationToken),
            RenewCommand c => await RunAsync(user, c, cancellationToken),
            KeyLinkCommand c => await RunAsync(user, c, cancellationToken),
            KeyCheckCommand c => await RunAsync(user, c, cancellationToken),
            KeyRevokeCommand c => await RunAsync(user, c, cancellationToken),
            EnvsCommand c => await RunAsync(user, c, cancellationToken),
            HelpCommand c => await RunAsync(user, c, cancellationToken),
            KeepCommand c => await RunAsync(user, c, cancellationToken),
            _ => throw new InvalidOperationException($"No handler for {parsed.Command.GetType().Name}."),
        };
    }

    private Task<Reply> RunAsync<TCommand>(ChatUserId user, TCommand command, CancellationToken cancellationToken)
        where TCommand : Command =>
        handlers.GetRequiredService<ICommandHandler<TCommand>>().HandleAsync(user, command, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {Command}")]
    private partial void LogCommand(string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record a command in the audit trail")]
    private partial void LogAuditFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused command: {Error}")]
    private partial void LogRefused(string? error);
}
