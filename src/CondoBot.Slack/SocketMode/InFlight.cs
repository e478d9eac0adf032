namespace CondoBot.Slack.SocketMode;

/// <summary>
/// The envelopes of one connection still being worked on. At most <see cref="Slots"/> of them do their work at once,
/// so a burst cannot swamp the database; the rest wait their turn off the read loop, their acks already sent or timed.
/// </summary>
internal sealed class InFlight(int slots) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(slots, slots);
    private readonly HashSet<Task> _running = [];
    private readonly Lock _gate = new();

    public int Slots { get; } = slots;

    /// <summary>Runs <paramref name="envelope"/> on the thread pool; it must contain its own failures.</summary>
    public void Start(Func<Task> envelope)
    {
        var task = Task.Run(envelope);
        lock (_gate) _running.Add(task);
        _ = task.ContinueWith(t =>
        {
            lock (_gate) _running.Remove(t);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Does <paramref name="work"/> once a slot is free.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            _slots.Release();
        }
    }

    public Task RunAsync(Func<Task> work, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await work();
            return true;
        }, cancellationToken);

    /// <summary>Waits up to <paramref name="limit"/> for the envelopes still running, so their acks leave on this socket.</summary>
    public async Task DrainAsync(TimeSpan limit, TimeProvider time)
    {
        Task[] running;
        lock (_gate) running = [.. _running];
        if (running.Length == 0) return;
        await Task.WhenAny(Task.WhenAll(running), Task.Delay(limit, time));
    }

    public void Dispose()
    {
        // Work still running after the drain keeps its slot object alive; only an idle one is disposed.
        lock (_gate)
        {
            if (_running.Count == 0) _slots.Dispose();
        }
    }
}
