using System.Text.Json.Nodes;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Handling;
using CondoBot.Core.Notices;
using CondoBot.Teams.Connector;
using CondoBot.Teams.Notifying;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CondoBot.Teams.Activities;

/// <summary>
/// An authenticated activity: remember who sent it and where to reach them, run the command once (Teams retries an
/// activity it thinks went unanswered), and post the immediate reply in the same conversation. In the 1:1 chat a bare
/// <c>start</c> is answered with the start form; a submitted form becomes the <c>start</c> command its fields spell,
/// or the form again with what to fix.
/// </summary>
public sealed partial class MessageHandler(
    CommandDispatcher dispatcher,
    StartFormDefaults formDefaults,
    PartitionChoices partitions,
    ClusterCatalog clusters,
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

        var form = StartForm.IsSubmission(activity.Value) ? StartForm.Read(activity.Value!.Value, clusters) : null;
        var text = form is not null ? form.CommandText : CommandText.From(activity);
        if (text is null && form is null) return;

        var seen = $"teams:activity:{conversation}:{activity.Id}";
        if (activity.Id is { Length: > 0 } && !await state.TryAddAsync(seen, aadObjectId, cancellationToken))
        {
            LogDuplicate(activity.Id);
            return;
        }

        var user = new ChatUserId(TeamsNotifier.PlatformName, aadObjectId);
        if (form is { CommandText: null })
        {
            // Nothing is started: the same form comes back with the person's entries and a message under each bad field.
            var again = await PartitionsAsync(user, form.Values["cluster"], cancellationToken);
            await SendAsync(serviceUrl, conversation, activity.Id, StartFormCard.Activity(form.Values, form.Errors, clusters, again), cancellationToken);
            return;
        }

        if (form is null && StartForm.IsBareStart(text!) && IsPersonal(activity))
        {
            var defaults = await formDefaults.ForAsync(user, cancellationToken);
            var read = await PartitionsAsync(user, defaults["cluster"], cancellationToken);
            await SendAsync(serviceUrl, conversation, activity.Id, StartFormCard.Activity(defaults, new Dictionary<string, string>(), clusters, read), cancellationToken);
            return;
        }

        Reply reply;
        try
        {
            reply = await dispatcher.DispatchAsync(new ChatRequest(user, text!), cancellationToken);
        }
        catch
        {
            // Nothing was done for this activity, so let Teams' retry of it through.
            await state.DeleteAsync(seen, CancellationToken.None);
            throw;
        }

        await SendAsync(serviceUrl, conversation, activity.Id, TeamsNotifier.Text(reply.Text), cancellationToken);
        if (form is not null && activity.ReplyToId is { Length: > 0 } formMessage)
        {
            // The form is replaced by what it sent, so a second press cannot start a second session.
            await UpdateAsync(serviceUrl, conversation, formMessage, StartFormCard.Sent(text!), cancellationToken);
        }
    }

    private async Task UpdateAsync(string serviceUrl, string conversation, string messageId, JsonObject message, CancellationToken cancellationToken)
    {
        try
        {
            var updated = await connector.UpdateAsync(serviceUrl, conversation, messageId, message, cancellationToken);
            if (!updated.Succeeded) LogReplyFailed(updated.Status is { } s ? (int)s : 0, updated.ErrorCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogReplyFailed(0, ex.GetType().Name);
        }
    }

    /// <summary>
    /// The partitions for the form's pick list, read (as the person) before the card is sent; a cluster slower than
    /// <see cref="PartitionWait"/> leaves the partition typed, so the card still comes well before Teams retries.
    /// </summary>
    private async Task<PartitionList> PartitionsAsync(ChatUserId user, string cluster, CancellationToken cancellationToken)
    {
        var name = clusters.Find(cluster)?.Name ?? clusters.Default.Name;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(PartitionWait);
        try
        {
            return await partitions.ListAsync(user, name, limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return PartitionList.Without($"{name} did not answer within {Durations.Describe(PartitionWait)}: type a partition, or leave it empty for the cluster's default.");
        }
    }

    private static readonly TimeSpan PartitionWait = TimeSpan.FromSeconds(8);

    private static bool IsPersonal(Activity activity) =>
        string.Equals(activity.Conversation?.ConversationType, "personal", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The command has run whatever happens here; a reply that cannot be posted is logged, not retried, so a retried
    /// activity never repeats the command.
    /// </summary>
    private async Task SendAsync(string serviceUrl, string conversation, string? replyToId, JsonObject message, CancellationToken cancellationToken)
    {
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
