using CondoBot.Core;
using CondoBot.Core.Notices;
using CondoBot.Slack.Messages;
using CondoBot.Slack.WebApi;

namespace CondoBot.Slack.Notifying;

/// <summary>
/// Posts a new message in the DM between the bot and one person. The DM's channel id comes from
/// <c>conversations.open</c> once and is kept in the chat state, since it never changes for a person.
/// </summary>
internal sealed class DirectMessages(SlackApi api, IChatStateStore state)
{
    public async Task<Posted> PostAsync(ChatUserId to, string user, SlackMessage message, CancellationToken cancellationToken)
    {
        var channel = await ChannelAsync(to, user, cancellationToken);
        if (channel.Delivery is not null) return new Posted(channel.Delivery, null);

        var posted = await api.PostMessageAsync(channel.Id!, message, cancellationToken);
        if (posted.Error is "channel_not_found" or "is_archived")
        {
            // A stale DM id: open the conversation afresh on the next attempt.
            await state.DeleteAsync(Key(to), cancellationToken);
            return new Posted(Delivery.Later("chat.postMessage: " + posted.Error), null);
        }

        var ts = posted.Ok ? posted.Body.Text("ts") : null;
        return new Posted(SlackDelivery.From("chat.postMessage", posted), ts is null ? null : new MessageRef(posted.Body.Text("channel") ?? channel.Id!, ts));
    }

    /// <summary>The DM channel id, or the delivery outcome when it could not be opened.</summary>
    public async Task<(string? Id, Delivery? Delivery)> ChannelAsync(ChatUserId to, string user, CancellationToken cancellationToken)
    {
        if (await state.GetAsync(Key(to), cancellationToken) is { Length: > 0 } known) return (known, null);
        var opened = await api.OpenDirectMessageAsync(user, cancellationToken);
        var id = opened.Ok ? opened.Body.Child("channel").Text("id") : null;
        if (id is null) return (null, opened.Ok ? Delivery.Later("conversations.open: no channel id") : SlackDelivery.From("conversations.open", opened));
        await state.PutAsync(Key(to), id, cancellationToken);
        return (id, null);
    }

    private static string Key(ChatUserId to) => "slack:dm:" + to.Id;
}

/// <summary>How a post went, and where the message is when it was posted.</summary>
internal sealed record Posted(Delivery Delivery, MessageRef? Message);
