using CondoBot.Core;
using CondoBot.Core.Notices;
using CondoBot.Slack.Messages;
using CondoBot.Slack.WebApi;

namespace CondoBot.Slack.Notifying;

/// <summary>
/// One status message per session: the first update posts it and records where it is (<c>slack:msg:SESSION</c>);
/// every later one redraws it with <c>chat.update</c>, so the DM reads like a progress bar, not a flood. Becoming
/// ready and ending also post a short reply in its thread, broadcast to the DM, once each
/// (<c>slack:moment:SESSION:STATE</c>): an edit makes no sound. A quiet update (told already) only redraws a status
/// message the session has; it posts nothing new.
/// </summary>
internal sealed class LiveStatus(SlackApi api, DirectMessages direct, IChatStateStore state)
{
    public async Task<Delivery> ShowAsync(ChatUserId to, string user, SessionUpdate update, CancellationToken cancellationToken)
    {
        var (shown, where) = await RedrawAsync(to, user, update, cancellationToken);
        if (shown.Outcome != DeliveryOutcome.Delivered || where is null || update.Quiet) return shown;
        return await MomentAsync(where, update, cancellationToken);
    }

    /// <summary>Where the session's status message is, or null when it has none yet.</summary>
    public async Task<MessageRef?> FindAsync(SessionId session, CancellationToken cancellationToken) =>
        MessageRef.TryParse(await state.GetAsync(Key(session), cancellationToken), out var found) ? found : null;

    private async Task<(Delivery, MessageRef?)> RedrawAsync(ChatUserId to, string user, SessionUpdate update, CancellationToken cancellationToken)
    {
        var key = Key(update.Session.Id);
        var message = StatusMessage.Render(update);
        if (MessageRef.TryParse(await state.GetAsync(key, cancellationToken), out var existing))
        {
            var updated = await api.UpdateAsync(existing.Channel, existing.Ts, message, cancellationToken);
            // Only a message that is gone (deleted by the person) is replaced by a new one; other failures retry.
            if (updated.Error is not ("message_not_found" or "cant_update_message" or "channel_not_found"))
            {
                return (SlackDelivery.From("chat.update", updated), existing);
            }
        }

        // Told already (SessionUpdate.Quiet): an existing status is redrawn, but no new message is posted for it.
        if (update.Quiet) return (Delivery.Done, null);
        var posted = await direct.PostAsync(to, user, message, cancellationToken);
        if (posted.Message is { } where) await state.PutAsync(key, where.ToString(), cancellationToken);
        return (posted.Delivery, posted.Message);
    }

    /// <summary>
    /// The short reply for ready or ended, at most once per moment: a notice retried after its reply was posted (the
    /// outbox delivers at least once) does not post it again.
    /// </summary>
    private async Task<Delivery> MomentAsync(MessageRef status, SessionUpdate update, CancellationToken cancellationToken)
    {
        if (MomentMessage.Render(update) is not { } moment) return Delivery.Done;
        var said = $"slack:moment:{update.Session.Id}:{update.Session.State}";
        if (await state.GetAsync(said, cancellationToken) is not null) return Delivery.Done;
        var posted = await api.PostThreadReplyAsync(status.Channel, status.Ts, moment, cancellationToken);
        var delivery = SlackDelivery.From("chat.postMessage", posted);
        if (delivery.Outcome == DeliveryOutcome.Delivered) await state.PutAsync(said, "1", cancellationToken);
        return delivery;
    }

    private static string Key(SessionId session) => "slack:msg:" + session;
}
