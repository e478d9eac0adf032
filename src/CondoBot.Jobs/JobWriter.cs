using System.Collections.Concurrent;

namespace CondoBot.Jobs;

/// <summary>
/// Stores job-queue entries (Hangfire's enqueue and schedule calls) on one thread of its own. Those calls block: the
/// SQLite job storage takes a process-wide lock and waits for its file's fsync, several times per job. Made from a step's
/// continuation they held thread-pool threads, and on two cores a burst of failing submissions held all of them, so
/// chat requests waited for the pool to grow (hundreds of milliseconds) before they could be answered. Here the caller
/// only queues the call; a step run inside <see cref="RunAsync"/> completes once every entry it queued is stored, so a
/// step still counts as done only when its follow-ups are durable. Outside such a scope a call is made on the caller's
/// thread, as before.
/// </summary>
public sealed class JobWriter : IDisposable
{
    private static readonly AsyncLocal<Scope?> Current = new();

    private readonly BlockingCollection<(Action Write, TaskCompletionSource Done)> _queue = [];
    private readonly Thread _thread;

    public JobWriter()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "Job queue writer" };
        _thread.Start();
    }

    /// <summary>Entries queued and not yet stored, for the job queue's metrics.</summary>
    public int Waiting => _queue.Count;

    /// <summary>
    /// Runs <paramref name="step"/>; entries it queues through <see cref="Write"/> are stored on the writer's thread,
    /// and the task completes (or fails, with the first entry that could not be stored) once all of them are.
    /// </summary>
    public static async Task RunAsync(Func<Task> step)
    {
        var scope = new Scope();
        Current.Value = scope;
        try
        {
            await step();
        }
        finally
        {
            // Stored before the step's own failure is reported, so a retry of the step finds them.
            Current.Value = null;
            await scope.StoredAsync(rethrow: false);
        }

        await scope.StoredAsync(rethrow: true);
    }

    /// <summary>Stores an entry: queued for the writer's thread inside <see cref="RunAsync"/>, else at once.</summary>
    public void Write(Action write)
    {
        if (Current.Value is not { } scope)
        {
            write();
            return;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _queue.Add((write, done));
        }
        catch (InvalidOperationException)
        {
            // Shutting down: stored on this thread instead.
            write();
            return;
        }

        scope.Add(done.Task);
    }

    private void Run()
    {
        foreach (var (write, done) in _queue.GetConsumingEnumerable())
        {
            try
            {
                write();
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }
    }

    /// <summary>Stores what is already queued, then stops; later entries are stored on their callers' threads.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
    }

    private sealed class Scope
    {
        private readonly List<Task> _writes = [];

        public void Add(Task write)
        {
            lock (_writes) _writes.Add(write);
        }

        public async Task StoredAsync(bool rethrow)
        {
            Task[] writes;
            lock (_writes) writes = [.. _writes];
            if (writes.Length == 0) return;
            var all = Task.WhenAll(writes);
            try
            {
                await all;
            }
            catch when (!rethrow)
            {
            }
        }
    }
}
