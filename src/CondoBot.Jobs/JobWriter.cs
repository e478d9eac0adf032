using System.Collections.Concurrent;
using CondoBot.Core.Diagnostics;

namespace CondoBot.Jobs;

/// <summary>
/// Stores job-queue entries (Hangfire's enqueue and schedule calls) on threads of its own. Those calls block: the
/// SQLite job storage takes a process-wide lock and waits for its file's fsync, several times per job. Made from a step's
/// continuation they held thread-pool threads, and on two cores a burst of failing submissions held all of them, so
/// chat requests waited for the pool to grow (hundreds of milliseconds) before they could be answered. Here the caller
/// only queues the call; a step run inside <see cref="RunAsync"/> completes once every entry it queued is stored, so a
/// step still counts as done only when its follow-ups are durable. Outside such a scope a call is made on the caller's
/// thread, as before.
/// </summary>
public sealed class JobWriter : IDisposable
{
    /// <summary>
    /// Writer threads. One was a bottleneck on PostgreSQL, where each entry is several round trips and commits: with
    /// two replicas' sessions polling every few seconds, entries queued behind each other and steps came late. A step's
    /// entries all go to one thread, so they are stored in the order it made them.
    /// </summary>
    public const int Threads = 4;

    private static readonly AsyncLocal<Scope?> Current = new();

    private readonly BlockingCollection<(Action Write, TaskCompletionSource Done)>[] _queues;
    private readonly Thread[] _threads;
    private int _nextLane = -1;

    public JobWriter()
    {
        _queues = [.. Enumerable.Range(0, Threads).Select(_ => new BlockingCollection<(Action, TaskCompletionSource)>())];
        _threads = [.. Enumerable.Range(0, Threads).Select(i => new Thread(() => Run(_queues[i])) { IsBackground = true, Name = "Job queue writer" })];
        foreach (var thread in _threads) thread.Start();
    }

    /// <summary>
    /// Runs <paramref name="step"/>; entries it queues through <see cref="Write"/> are stored on a writer thread,
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

    /// <summary>Stores an entry: queued for a writer thread inside <see cref="RunAsync"/>, else at once.</summary>
    public void Write(Action write)
    {
        if (Current.Value is not { } scope)
        {
            write();
            return;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (scope.Lane < 0) scope.Lane = (int)((uint)Interlocked.Increment(ref _nextLane) % Threads);
        try
        {
            _queues[scope.Lane].Add((write, done));
        }
        catch (InvalidOperationException)
        {
            // Shutting down: stored on this thread instead.
            write();
            return;
        }

        scope.Add(done.Task);
    }

    private static void Run(BlockingCollection<(Action Write, TaskCompletionSource Done)> queue)
    {
        // Below the threads that answer requests; the steps waiting for an entry are woken from a thread that is not.
        BackgroundPriority.LowerThisThread();
        foreach (var (write, done) in queue.GetConsumingEnumerable())
        {
            try
            {
                write();
                BackgroundPriority.Post(() => done.TrySetResult());
            }
            catch (Exception ex)
            {
                BackgroundPriority.Post(() => done.TrySetException(ex));
            }
        }
    }

    /// <summary>Stores what is already queued, then stops; later entries are stored on their callers' threads.</summary>
    public void Dispose()
    {
        foreach (var queue in _queues) queue.CompleteAdding();
        foreach (var thread in _threads) thread.Join();
        foreach (var queue in _queues) queue.Dispose();
    }

    private sealed class Scope
    {
        private readonly List<Task> _writes = [];

        /// <summary>The writer thread this step's entries go to, chosen at its first entry (-1 until then).</summary>
        public int Lane { get; set; } = -1;

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
