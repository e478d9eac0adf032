using CondoBot.Core.Commands;
using CondoBot.Core.Handling;
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

        if (!await ledger.TryBeginAsync(command.TriggerId, cancellationToken))
        {
            LogRepeat(retry ?? "none");
            return await ledger.ReplyAsync(command.TriggerId, cancellationToken) ?? StillWorking;
        }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack delivered a command again (retry {Retry}); answered without running it")]
    private partial void LogRepeat(string retry);
}
