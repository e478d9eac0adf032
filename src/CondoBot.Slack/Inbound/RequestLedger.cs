using CondoBot.Core.Notices;

namespace CondoBot.Slack.Inbound;

/// <summary>
/// The Slack requests already taken, by trigger id, in the durable chat state: a retried delivery (Slack's
/// <c>X-Slack-Retry-Num</c>, a Socket Mode redelivery) finds its id taken and is answered without running again, so it
/// can never start a second session. The first delivery's reply is kept so the retry can be given the same answer.
/// </summary>
internal sealed class RequestLedger(IChatStateStore state)
{
    /// <summary>True for the first delivery of this trigger; false for any repeat.</summary>
    public Task<bool> TryBeginAsync(string triggerId, CancellationToken cancellationToken) =>
        state.TryAddAsync(Key(triggerId), "", cancellationToken);

    public Task RecordReplyAsync(string triggerId, string reply, CancellationToken cancellationToken) =>
        state.PutAsync(Key(triggerId), reply, cancellationToken);

    /// <summary>The first delivery's reply, or null while it is still being handled.</summary>
    public async Task<string?> ReplyAsync(string triggerId, CancellationToken cancellationToken) =>
        await state.GetAsync(Key(triggerId), cancellationToken) is { Length: > 0 } reply ? reply : null;

    /// <summary>Lets a retry run again when the first attempt failed before doing anything.</summary>
    public Task ForgetAsync(string triggerId) => state.DeleteAsync(Key(triggerId), CancellationToken.None);

    private static string Key(string triggerId) => "slack:req:" + triggerId;
}
