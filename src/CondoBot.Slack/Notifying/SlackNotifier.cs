using CondoBot.Core.Notices;
using CondoBot.Slack.Messages;

namespace CondoBot.Slack.Notifying;

/// <summary>
/// Delivers the core's notices to Slack users by DM: session updates redraw the session's status message; instructions
/// and other notices are new messages. Failures come back as the core's delivery outcomes, and the outbox retries.
/// </summary>
internal sealed class SlackNotifier(LiveStatus status, DirectMessages direct, OutsideRequests outside, HomeRefreshes homes) : INotifier
{
    public string Platform => SlackUser.Platform;

    public async Task<Delivery> DeliverAsync(Notice notice, CancellationToken cancellationToken)
    {
        if (!SlackUser.TryGetUser(notice.To, out var user)) return Delivery.Never($"'{notice.To}' is not a Slack user id");
        switch (notice)
        {
            case SessionUpdate update:
                var shown = await status.ShowAsync(notice.To, user, update, cancellationToken);
                if (shown.Outcome == DeliveryOutcome.Delivered) await homes.ChangedAsync(notice.To, cancellationToken);
                return shown;
            case TunnelNotice tunnel:
                var variant = await outside.WantedAsync(notice.To, tunnel.Session.JobId, cancellationToken);
                var posted = await direct.PostAsync(notice.To, user, InstructionsMessage.Render(tunnel, variant), cancellationToken);
                if (variant && posted.Delivery.Outcome == DeliveryOutcome.Delivered)
                {
                    await outside.ForgetAsync(notice.To, tunnel.Session.JobId!.Value, cancellationToken);
                }

                return posted.Delivery;
            case ReminderNotice reminder:
                return (await direct.PostAsync(notice.To, user, ReminderMessage.Render(reminder), cancellationToken)).Delivery;
            case IdleNotice idle:
                return (await direct.PostAsync(notice.To, user, IdleMessage.Render(idle), cancellationToken)).Delivery;
            default:
                return (await direct.PostAsync(notice.To, user, TextMessage.Render(notice), cancellationToken)).Delivery;
        }
    }
}
