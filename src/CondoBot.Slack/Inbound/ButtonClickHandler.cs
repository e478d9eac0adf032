using CondoBot.Core;
using CondoBot.Core.Handling;
using CondoBot.Slack.Messages;
using CondoBot.Slack.Notifying;
using Microsoft.Extensions.Logging;

namespace CondoBot.Slack.Inbound;

/// <summary>
/// A button click becomes the command it stands for, from the person who clicked, once per click. The core's
/// answer ("Stopping job 123", or "You have no session with job id 123") is shown only to them.
/// </summary>
internal sealed partial class ButtonClickHandler(
    CommandDispatcher dispatcher,
    RequestLedger ledger,
    OutsideRequests outside,
    EphemeralReplies replies,
    StartFormHandler form,
    DirectMessages direct,
    HomeRefreshes homes,
    ILogger<ButtonClickHandler> logger)
{
    public async Task HandleAsync(ButtonClick click, CancellationToken cancellationToken)
    {
        if (click.ActionId == Buttons.StartForm)
        {
            // Opening a form changes nothing, and its trigger id lasts 3 seconds: no ledger, no wait.
            await form.OpenAsync(click.User, click.TriggerId, cancellationToken);
            return;
        }

        if (click.View is { CallbackId: StartForm.CallbackId } view)
        {
            // Only the cluster select of the start form dispatches an action: the form is redrawn for that cluster.
            await form.SwitchClusterAsync(click.User, view.Id, view.Hash, click.Value, cancellationToken);
            return;
        }

        var text = Buttons.CommandFor(click.ActionId, click.Value);
        if (text is null)
        {
            LogUnknown(click.ActionId);
            return;
        }

        if (!await ledger.TryBeginAsync(click.TriggerId, cancellationToken))
        {
            LogRepeat(click.ActionId);
            return;
        }

        if (click.ActionId == Buttons.Outside && SlurmJobId.TryParse(click.Value, out var job))
        {
            await outside.RememberAsync(click.User, job, CancellationToken.None);
        }

        Reply reply;
        try
        {
            reply = await dispatcher.DispatchAsync(new ChatRequest(click.User, text), CancellationToken.None);
        }
        catch
        {
            await ledger.ForgetAsync(click.TriggerId);
            throw;
        }

        await ledger.RecordReplyAsync(click.TriggerId, reply.Text, CancellationToken.None);
        if (click.ChannelId is { } channel)
        {
            replies.Post(channel, click.UserId, reply.Text);
            return;
        }

        // A click on the App Home tab has no conversation: the answer goes to the person's DM with the bot, shown only
        // to them, and the tab is drawn again with what the click changed.
        await homes.NowAsync(click.User, CancellationToken.None);
        if ((await direct.ChannelAsync(click.User, click.UserId, CancellationToken.None)).Id is { } dm) replies.Post(dm, click.UserId, reply.Text);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a click on an action this bot does not send: {ActionId}")]
    private partial void LogUnknown(string actionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack delivered a click on {ActionId} again; ignored")]
    private partial void LogRepeat(string actionId);
}
