using CondoBot.Core;
using CondoBot.Core.Notices;
using CondoBot.Slack.Messages;
using CondoBot.Slack.WebApi;

namespace CondoBot.Slack.Notifying;

/// <summary>
/// One status message per session: the first update posts it and records where it is (<c>slack:msg:SESSION</c>);
/// every later one redraws it with <c>chat.update</c>, so the DM reads like a progress bar, not a flood.
/// </summary>
internal sealed class LiveStatus(SlackApi api, DirectMessages direct, IChatStateStore state)
{
    public async Task<Delivery> ShowAsync(ChatUserId to, string user, SessionUpdate update, CancellationToken cancellationToken)
    {
        var key = "slack:msg:" + update.Session.Id;
        var message = StatusMessage.Render(update);
        if (MessageRef.TryParse(await state.GetAsync(key, cancellationToken), out var existing))
        {
            var updated = await api.UpdateAsync(existing.Channel, existing.Ts, message, cancellationToken);
            // Only a message that is gone (deleted by the person) is replaced by a new one; other failures retry.
            if (updated.Error is not ("message_not_found" or "cant_update_message" or "channel_not_found"))
            {
                return SlackDelivery.From("chat.update", updated);
            }
        }

        var posted = await direct.PostAsync(to, user, message, cancellationToken);
        if (posted.Message is { } where) await state.PutAsync(key, where.ToString(), cancellationToken);
        return posted.Delivery;
    }
}
