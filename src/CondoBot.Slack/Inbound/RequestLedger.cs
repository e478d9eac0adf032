using CondoBot.Core.Notices;

namespace CondoBot.Slack.Inbound;

/// <summary>
/// The Slack requests already taken, by trigger id, in the durable chat state: a retried delivery (Slack's
/// <c>X-Slack-Retry-Num</c>, a Socket Mode redelivery) finds its id taken and is answered without running again, so it
/// can never start a second session. The first delivery's reply is kept so the retry can be given the same answer.
/// </summary>
internal sealed class RequestLedger(IChatStateStore state)
{
    /// <summary>How long a repeat waits for the first delivery's reply being kept in this process.</summary>
    private static readonly TimeSpan KeptWithin = TimeSpan.FromSeconds(2);

    /// <summary>Replies being kept in this process, by trigger id, so a repeat can wait for one instead of missing it.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task> _keeping = new();

    /// <summary>True for the first delivery of this trigger; false for any repeat.</summary>
    public Task<bool> TryBeginAsync(string triggerId, CancellationToken cancellationToken) =>
        state.TryAddAsync(Key(triggerId), "", cancellationToken);

    /// <summary>
    /// Takes the trigger id with the request's first write (see <see cref="IChatStateStore.ClaimAsync"/>); throws
    /// <see cref="ChatStateKeyTakenException"/> when it is a repeat. Not async, so the claim stays with the caller.
    /// </summary>
    public Task<IChatStateClaim> ClaimAsync(string triggerId, CancellationToken cancellationToken) =>
        state.ClaimAsync(Key(triggerId), cancellationToken);

    public Task RecordReplyAsync(string triggerId, string reply, CancellationToken cancellationToken) =>
        state.PutAsync(Key(triggerId), reply, cancellationToken);

    /// <summary>
    /// Keeps the reply without making the caller wait for its commit; a repeat arriving meanwhile in this process
    /// waits for it (<see cref="ReplyAsync"/>). Answers the task, which does not fail: a reply not kept is only logged.
    /// </summary>
    public Task KeepReplyAsync(string triggerId, string reply, Action<Exception> notKept)
    {
        var keeping = KeepAsync(triggerId, reply, notKept);
        if (keeping.IsCompleted) return keeping;
        _keeping[triggerId] = keeping;
        // Kept already, before it was listed: nothing to wait for.
        if (keeping.IsCompleted) _keeping.TryRemove(triggerId, out _);
        return keeping;
    }

    private async Task KeepAsync(string triggerId, string reply, Action<Exception> notKept)
    {
        try
        {
            await state.PutAsync(Key(triggerId), reply, CancellationToken.None);
        }
        catch (Exception ex)
        {
            notKept(ex);
        }
        finally
        {
            _keeping.TryRemove(triggerId, out _);
        }
    }

    /// <summary>The first delivery's reply, or null while it is still being handled.</summary>
    public async Task<string?> ReplyAsync(string triggerId, CancellationToken cancellationToken)
    {
        if (_keeping.TryGetValue(triggerId, out var keeping))
        {
            try
            {
                await keeping.WaitAsync(KeptWithin, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Answered from what is stored so far.
            }
        }

        return await state.GetAsync(Key(triggerId), cancellationToken) is { Length: > 0 } reply ? reply : null;
    }

    /// <summary>Lets a retry run again when the first attempt failed before doing anything.</summary>
    public Task ForgetAsync(string triggerId) => state.DeleteAsync(Key(triggerId), CancellationToken.None);

    private static string Key(string triggerId) => "slack:req:" + triggerId;
}
