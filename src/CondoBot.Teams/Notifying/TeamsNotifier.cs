using System.Text.Json.Nodes;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Teams.Connector;
using Microsoft.Extensions.Logging;

namespace CondoBot.Teams.Notifying;

/// <summary>
/// Delivers notices to Teams users, always in their 1:1 chat with the bot (notices can carry a JupyterLab token).
/// A session has one card, posted on its first notice and updated in place afterwards; becoming ready and ending
/// also get a short new message, because Teams does not notify anyone of an edit. Every step is safe to repeat:
/// a retried notice updates the same card again.
/// </summary>
public sealed partial class TeamsNotifier(
    ConnectorClient connector,
    ConversationReferences references,
    PersonalConversations personal,
    IChatStateStore state,
    ILogger<TeamsNotifier> logger) : INotifier
{
    public const string PlatformName = "teams";

    public string Platform => PlatformName;

    public async Task<Delivery> DeliverAsync(Notice notice, CancellationToken cancellationToken)
    {
        var reference = await references.GetAsync(notice.To.Id, cancellationToken);
        if (reference is null) return Delivery.Never("no conversation reference for this Teams user");

        var (conversation, failure) = await personal.EnsureAsync(reference, cancellationToken);
        if (conversation is null) return Logged(failure!, notice);

        var delivery = notice switch
        {
            SessionUpdate update => await UpdateCardAsync(reference, conversation, update, cancellationToken),
            ReminderNotice reminder => await SendAsync(reference, conversation, ReminderCard.Activity(reminder), "a reminder", cancellationToken),
            IdleNotice idle => await SendAsync(reference, conversation, ReminderCard.Idle(idle), "the idle question", cancellationToken),
            TunnelNotice tunnel => await SendAsync(reference, conversation, SessionCard.Activity(tunnel.Session, tunnel.Tunnel), "the tunnel card", cancellationToken),
            _ => await SendAsync(reference, conversation, Text(NoticeText.Render(notice)), "a message", cancellationToken),
        };
        return Logged(delivery, notice);
    }

    private async Task<Delivery> UpdateCardAsync(ConversationReference reference, string conversation, SessionUpdate update, CancellationToken cancellationToken)
    {
        var key = CardKey(update.Session.Id);
        if (await state.GetAsync(key, cancellationToken) is { } cardId)
        {
            var updated = await connector.UpdateAsync(reference.ServiceUrl, conversation, cardId,
                SessionCard.Activity(update.Session, update.Tunnel, cardId), cancellationToken);
            if (updated.Succeeded) return update.Quiet ? Delivery.Done : await PingAsync(reference, conversation, update, cancellationToken);
            // Deleted by the user, or the chat was reset: a fresh card below does the job.
            if (!updated.NotFound) return updated.ToDelivery("updating the session card");
        }

        // Told already (SessionUpdate.Quiet): an existing card is redrawn, but no new card is posted for it.
        if (update.Quiet) return Delivery.Done;
        var posted = await connector.SendAsync(reference.ServiceUrl, conversation, SessionCard.Activity(update.Session, update.Tunnel), cancellationToken);
        if (!posted.Succeeded) return await FailedAsync(reference, posted, "posting the session card", cancellationToken);
        if (posted.Id is { } id) await state.PutAsync(key, id, cancellationToken);
        return Delivery.Done;
    }

    /// <summary>A new short message for the moments people wait for, since an edited card makes no sound.</summary>
    private async Task<Delivery> PingAsync(ConversationReference reference, string conversation, SessionUpdate update, CancellationToken cancellationToken)
    {
        var text = update.Session.State switch
        {
            SessionState.Ready => $"JupyterLab is ready on {update.Session.Node} (job {update.Session.JobId}): the commands are on its card above.",
            SessionState.Ended => NoticeText.Render(update),
            _ => null,
        };
        return text is null ? Delivery.Done : await SendAsync(reference, conversation, Text(text), "a session message", cancellationToken);
    }

    private async Task<Delivery> SendAsync(ConversationReference reference, string conversation, JsonObject activity, string what, CancellationToken cancellationToken)
    {
        var sent = await connector.SendAsync(reference.ServiceUrl, conversation, activity, cancellationToken);
        return sent.Succeeded ? Delivery.Done : await FailedAsync(reference, sent, "sending " + what, cancellationToken);
    }

    /// <summary>A 1:1 conversation the Connector no longer knows is forgotten and the notice retried, which opens a new one.</summary>
    private async Task<Delivery> FailedAsync(ConversationReference reference, ConnectorResult result, string what, CancellationToken cancellationToken)
    {
        if (!result.NotFound) return result.ToDelivery(what);
        await personal.ForgetAsync(reference, cancellationToken);
        return Delivery.Later(what + ": the 1:1 conversation is gone; opening a new one");
    }

    public static JsonObject Text(string text) => new()
    {
        ["type"] = "message",
        ["text"] = text,
        ["textFormat"] = "markdown",
    };

    private Delivery Logged(Delivery delivery, Notice notice)
    {
        if (delivery.Outcome == DeliveryOutcome.Undeliverable) LogUndeliverable(notice.To.Id, delivery.Detail);
        return delivery;
    }

    private static string CardKey(Core.SessionId session) => "teams:card:" + session;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot deliver to Teams user {AadObjectId}: {Detail}")]
    private partial void LogUndeliverable(string aadObjectId, string? detail);
}
