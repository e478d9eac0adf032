using CondoBot.Core;
using CondoBot.Core.Handling;
using CondoBot.Core.Notices;
using CondoBot.Teams.Connector;
using CondoBot.Teams.Notifying;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CondoBot.Teams.Activities;

/// <summary>
/// An authenticated activity: remember who sent it and where to reach them, run the command once (Teams retries an
/// activity it thinks went unanswered), and post the immediate reply in the same conversation.
/// </summary>
public sealed partial class MessageHandler(
    CommandDispatcher dispatcher,
    IChatStateStore state,
    ConversationReferences references,
    TrustedServiceUrls trusted,
    ConnectorClient connector,
    IOptions<TeamsOptions> options,
    ILogger<MessageHandler> logger)
{
    public async Task HandleAsync(Activity activity, bool signed, CancellationToken cancellationToken)
    {
        if (activity.ServiceUrl is not { Length: > 0 } serviceUrl) return;
        if (signed) await trusted.TrustAsync(serviceUrl, cancellationToken);
        else await trusted.NoteAnonymousAsync(serviceUrl, cancellationToken);

        if (ConversationReference.From(activity, options.Value.TenantId) is { } reference)
        {
            await references.RememberAsync(reference, cancellationToken);
        }

        if (!string.Equals(activity.Type, "message", StringComparison.OrdinalIgnoreCase)) return;
        if (activity.From?.AadObjectId is not { Length: > 0 } aadObjectId || activity.Conversation?.Id is not { Length: > 0 } conversation)
        {
            LogNoUser();
            return;
        }

        var text = CommandText.From(activity);
        if (text is null) return;

        var seen = $"teams:activity:{conversation}:{activity.Id}";
        if (activity.Id is { Length: > 0 } && !await state.TryAddAsync(seen, aadObjectId, cancellationToken))
        {
            LogDuplicate(activity.Id);
            return;
        }

        Reply reply;
        try
        {
            reply = await dispatcher.DispatchAsync(new ChatRequest(new ChatUserId(TeamsNotifier.PlatformName, aadObjectId), text), cancellationToken);
        }
        catch
        {
            // Nothing was done for this activity, so let Teams' retry of it through.
            await state.DeleteAsync(seen, CancellationToken.None);
            throw;
        }

        await ReplyAsync(serviceUrl, conversation, activity.Id, reply, cancellationToken);
    }

    /// <summary>
    /// The command has run whatever happens here; a reply that cannot be posted is logged, not retried, so a retried
    /// activity never repeats the command.
    /// </summary>
    private async Task ReplyAsync(string serviceUrl, string conversation, string? replyToId, Reply reply, CancellationToken cancellationToken)
    {
        var message = TeamsNotifier.Text(reply.Text);
        if (replyToId is { Length: > 0 }) message["replyToId"] = replyToId;
        try
        {
            var sent = await connector.SendAsync(serviceUrl, conversation, message, cancellationToken);
            if (!sent.Succeeded) LogReplyFailed(sent.Status is { } s ? (int)s : 0, sent.ErrorCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogReplyFailed(0, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored activity {ActivityId}: already handled (a retry)")]
    private partial void LogDuplicate(string activityId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message without a user (no from.aadObjectId) or conversation")]
    private partial void LogNoUser();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not post the reply (HTTP {Status} {Error})")]
    private partial void LogReplyFailed(int status, string? error);
}
