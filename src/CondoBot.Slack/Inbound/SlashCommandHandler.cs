using CondoBot.Core.Commands;
using CondoBot.Core.Handling;
using CondoBot.Core.Notices;
using CondoBot.Slack.Messages;
using Microsoft.Extensions.Logging;

namespace CondoBot.Slack.Inbound;

/// <summary>
/// Runs <c>/condo TEXT</c> through the core and answers with the reply to show the caller; a command that changes
/// something runs once per invocation. The core only records and enqueues, so this returns well inside Slack's 3 seconds
/// on either transport.
/// </summary>
internal sealed partial class SlashCommandHandler(
    CommandDispatcher dispatcher, RequestLedger ledger, StartFormHandler form, ILogger<SlashCommandHandler> logger)
{
    public const string StillWorking = "I am still working on that command; its answer will follow.";

    public const string FormOpened = "The start form is open. To skip it, type the options: `/condo start -t 2:00:00` (`/condo help` lists them all).";

    public const string FormNotOpened = "I could not open the start form. Type the options instead: `/condo start -t 2:00:00` (`/condo help` lists them all).";

    /// <summary>The reply to show the caller, with a button where it asks them to do something next.</summary>
    public async Task<SlackMessage> HandleAsync(SlashCommand command, string? retry, CancellationToken cancellationToken)
    {
        if (StartFormHandler.Opens(command.Text))
        {
            // Before anything else: the trigger id that opens a modal is only good for 3 seconds.
            return SlackMessage.Plain(await form.OpenAsync(command.User, command.TriggerId, cancellationToken) ? FormOpened : FormNotOpened);
        }

        var parsed = CommandParser.Parse(command.Text);
        return TextMessage.Reply(parsed.Command, await ReplyTextAsync(command, parsed, retry, cancellationToken));
    }

    /// <summary>The reply's text to <paramref name="command"/>, run exactly as if it had been typed.</summary>
    public Task<string> ReplyTextAsync(SlashCommand command, string? retry, CancellationToken cancellationToken) =>
        ReplyTextAsync(command, CommandParser.Parse(command.Text), retry, cancellationToken);

    private async Task<string> ReplyTextAsync(SlashCommand command, ParseResult parsed, string? retry, CancellationToken cancellationToken)
    {
        var request = new ChatRequest(command.User, command.Text);
        if (parsed.ChangesNothing)
        {
            // help, status and refused text: a repeat is simply answered again (with what is true now), so nothing
            // is recorded and the answer waits for no disk write.
            return (await dispatcher.DispatchAsync(request, parsed, cancellationToken)).Text;
        }

        if (parsed.Command is StartCommand)
        {
            // Claimed here, not in a helper: the claim rides on this method's own flow (IChatStateStore.ClaimAsync).
            IChatStateClaim claim;
            try
            {
                claim = await ledger.ClaimAsync(command.TriggerId, cancellationToken);
            }
            catch (ChatStateKeyTakenException)
            {
                return await RepeatAsync(command, retry, cancellationToken);
            }

            using (claim)
            {
                return await RunClaimedAsync(command, parsed, request, claim, retry, cancellationToken);
            }
        }

        if (!await ledger.TryBeginAsync(command.TriggerId, cancellationToken)) return await RepeatAsync(command, retry, cancellationToken);

        Reply reply;
        try
        {
            // Not the request's token: once taken, a command runs to its end even if Slack stops waiting, so that what
            // it did and the reply recorded for a retry agree.
            reply = await dispatcher.DispatchAsync(request, parsed, CancellationToken.None);
        }
        catch
        {
            await ledger.ForgetAsync(command.TriggerId);
            throw;
        }

        await ledger.RecordReplyAsync(command.TriggerId, reply.Text, CancellationToken.None);
        return reply.Text;
    }

    /// <summary>
    /// A start whose trigger id is stored with its first write, the session and its submission step: one commit for
    /// the guard and the act (StartHandler only reads before that write). A second delivery that got as far finds the
    /// id taken, and its write stores nothing.
    /// </summary>
    private async Task<string> RunClaimedAsync(
        SlashCommand command, ParseResult parsed, ChatRequest request, IChatStateClaim claim, string? retry, CancellationToken cancellationToken)
    {
        Reply reply;
        try
        {
            reply = await dispatcher.DispatchAsync(request, parsed, CancellationToken.None);
            await claim.EnsureTakenAsync(CancellationToken.None);
        }
        catch (ChatStateKeyTakenException)
        {
            return await RepeatAsync(command, retry, cancellationToken);
        }
        catch
        {
            // Nothing was stored with the id unless a write of this start carried it; then a retry must not run again.
            if (!claim.StoredWithRequest) await ledger.ForgetAsync(command.TriggerId);
            throw;
        }

        // The start is on disk with its id; the reply kept for a retry is not an act, so the answer does not wait for it
        // (it shares the next commit; a repeat in this process waits for it, and if it is lost a retry hears "still working").
        _ = ledger.KeepReplyAsync(command.TriggerId, reply.Text, LogReplyNotKept);
        return reply.Text;
    }

    private async Task<string> RepeatAsync(SlashCommand command, string? retry, CancellationToken cancellationToken)
    {
        LogRepeat(retry ?? "none");
        return await ledger.ReplyAsync(command.TriggerId, cancellationToken) ?? StillWorking;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep a command's reply for Slack's retries; a retry will hear that it is still being worked on")]
    private partial void LogReplyNotKept(Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack delivered a command again (retry {Retry}); answered without running it")]
    private partial void LogRepeat(string retry);
}
