namespace CondoBot.Core.Handling;

/// <summary>
/// How many chat commands are being answered at this moment (<see cref="CommandDispatcher"/> counts them), so that
/// background work can give way to them. A person waits on a command's answer, and Slack gives up after 3 seconds; a
/// recorded step only has to run soon, and it is on disk already. On a small machine (two cores) the steps set off by a
/// burst of starts took more CPU than answering the starts did, so the answers waited behind them.
/// </summary>
public sealed class ChatLoad
{
    private int _answering;

    /// <summary>Commands being answered now.</summary>
    public int Answering => Volatile.Read(ref _answering);

    /// <summary>Counts one command until the answer is disposed.</summary>
    public Answer Begin()
    {
        Interlocked.Increment(ref _answering);
        return new Answer(this);
    }

    /// <summary>
    /// Completes once no command is being answered, or after <paramref name="atMost"/> whichever is first: a background
    /// worker about to start more work waits here, and is never held up for longer than that.
    /// </summary>
    public async Task QuietAsync(TimeSpan atMost, TimeProvider time, CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow() + atMost;
        while (Answering > 0 && time.GetUtcNow() < until)
        {
            await Task.Delay(Poll, time, cancellationToken);
        }
    }

    /// <summary>How often <see cref="QuietAsync"/> looks again: well under a command's answer time.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    public readonly struct Answer(ChatLoad load) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref load._answering);
    }
}
