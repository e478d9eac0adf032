using System.Collections.Concurrent;
using SQLite;

namespace CondoBot.Storage;

/// <summary>
/// Every write to the bot's file, committed by one thread in batches. Callers queue a unit of work and await it; the
/// thread takes everything queued so far, runs each unit in its own savepoint inside one transaction, commits once (one
/// fsync for the whole batch), and only then completes the callers' tasks. So a caller that has been answered knows its
/// record is on disk, and concurrent callers share the cost of the commit instead of queueing for one commit each.
/// No batch waits for company: a lone write is committed at once, and writes arriving during a commit form the next batch.
/// </summary>
internal sealed class GroupCommit : IDisposable
{
    /// <summary>A bound on one transaction's size, so one batch cannot hold the file for long.</summary>
    public const int MaxBatch = 256;

    private readonly SQLiteConnection _connection;
    private readonly Action _committed;
    private readonly BlockingCollection<PendingWrite> _queue = [];
    private readonly Thread _thread;
    private long _commits;

    /// <param name="committed">Told after each commit, on the commit thread; it must not wait.</param>
    public GroupCommit(SQLiteConnection connection, Action committed)
    {
        _connection = connection;
        _committed = committed;
        // A thread of its own: it blocks in fsync, which must not hold a thread-pool thread that requests need.
        _thread = new Thread(Run) { IsBackground = true, Name = "SQLite group commit" };
        _thread.Start();
    }

    /// <summary>Transactions committed so far (each holds one or more callers' writes).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Queues <paramref name="write"/>; the task completes once the transaction holding it has committed.</summary>
    public Task<T> WriteAsync<T>(Func<SQLiteConnection, T> write)
    {
        var pending = new PendingWrite<T>(write);
        try
        {
            _queue.Add(pending);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(SqliteDatabase));
        }

        return pending.Task;
    }

    private void Run()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (!_queue.IsCompleted)
        {
            if (!_queue.TryTake(out var first, Timeout.Infinite)) continue;
            batch.Add(first);
            while (batch.Count < MaxBatch && _queue.TryTake(out var next)) batch.Add(next);
            CommitBatch(batch);
            batch.Clear();
        }
    }

    private void CommitBatch(List<PendingWrite> batch)
    {
        try
        {
            // IMMEDIATE takes the write lock up front, so a competing process makes us wait (busy timeout) instead of
            // failing half-way when a deferred transaction tries to upgrade from read to write.
            _connection.Run("BEGIN IMMEDIATE");
            foreach (var write in batch) RunInSavepoint(write);
            _connection.Run("COMMIT");
        }
        catch (Exception ex)
        {
            // The transaction is gone (a savepoint that could not be undone, a failed commit): none of it was stored.
            RollBack();
            foreach (var write in batch) write.Fail(write.Error ?? ex);
            return;
        }

        Interlocked.Increment(ref _commits);
        StorageMetrics.Committed(batch.Count);
        foreach (var write in batch) write.Complete();
        _committed();
    }

    /// <summary>
    /// Runs one caller's unit; if it throws, its changes are undone and the others in the batch are kept. A failure to
    /// undo escapes and fails the whole batch.
    /// </summary>
    private void RunInSavepoint(PendingWrite write)
    {
        _connection.Run("SAVEPOINT unit");
        try
        {
            write.Run(_connection);
        }
        catch (Exception ex)
        {
            write.Error = ex;
            _connection.Run("ROLLBACK TO unit");
        }

        _connection.Run("RELEASE unit");
    }

    private void RollBack()
    {
        try
        {
            _connection.Execute("ROLLBACK");
        }
        catch (SQLiteException)
        {
            // SQLite has already rolled back after some errors (disk full, I/O); the callers' exception is the story.
        }
    }

    /// <summary>Commits what is already queued, then stops; later writes are refused.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
    }

    private abstract class PendingWrite
    {
        /// <summary>What the unit threw, if it did; it is rolled back and its caller gets this.</summary>
        public Exception? Error { get; set; }

        public abstract void Run(SQLiteConnection connection);

        public abstract void Complete();

        public abstract void Fail(Exception error);
    }

    private sealed class PendingWrite<T>(Func<SQLiteConnection, T> write) : PendingWrite
    {
        // Continuations run on the thread pool, never on the commit thread.
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _done.Task;

        public override void Run(SQLiteConnection connection) => _result = write(connection);

        public override void Complete()
        {
            if (Error is null) _done.TrySetResult(_result);
            else _done.TrySetException(Error);
        }

        public override void Fail(Exception error) => _done.TrySetException(error);
    }
}
