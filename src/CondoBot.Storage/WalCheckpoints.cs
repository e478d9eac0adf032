using SQLite;

namespace CondoBot.Storage;

/// <summary>
/// Copies the write-ahead log back into the file on a thread and connection of its own, so commits rarely wait for it.
/// Left to SQLite, the commit that takes the log past 1000 pages runs the checkpoint itself: it writes those pages into
/// the file and fsyncs it while every write queued behind it waits, and under a burst of <c>start</c> commands that
/// held up one in every few hundred acknowledgements for the length of a checkpoint. A passive checkpoint waits for no
/// reader or writer, so commits carry on while it runs. Runs only after commits, at most once per <see cref="Interval"/>.
/// <para>
/// It cannot do it all: the log starts over from its beginning only at a commit that finds all of it copied, and under
/// a steady stream of commits a checkpoint beside them never catches the last one, so the log would grow without end.
/// The commit thread's own checkpoint stays on, at <see cref="LogBound"/> pages: by then this one has copied nearly
/// everything, so it has little left to do, and the log starts over.
/// </para>
/// </summary>
internal sealed class WalCheckpoints : IDisposable
{
    /// <summary>How long commits gather in the log before they are copied; one checkpoint (two fsyncs) covers them all.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Pages in the log at which the commit thread checkpoints too (SQLite's default is 1000): about 16 MiB.</summary>
    public const int LogBound = 4000;

    private readonly SQLiteConnection _connection;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _committed = new();
    private readonly CancellationTokenSource _stop = new();
    private long _runs;

    public WalCheckpoints(SQLiteConnection connection)
    {
        _connection = connection;
        _thread = new Thread(Run) { IsBackground = true, Name = "SQLite checkpoints" };
        _thread.Start();
    }

    /// <summary>Checkpoints run so far.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Called after each commit; cheap, and never waits.</summary>
    public void Committed() => _committed.Set();

    private void Run()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                _committed.Wait(stop);
                // Let the commits of the next moment gather, so a burst costs one checkpoint, not one per commit.
                stop.WaitHandle.WaitOne(Interval);
                _committed.Reset();
                Checkpoint();
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Checkpoint()
    {
        try
        {
            // PASSIVE copies what no reader still needs and waits for nobody; what it leaves, the next one copies.
            _connection.ExecuteScalar<int>("PRAGMA wal_checkpoint(PASSIVE)");
            Interlocked.Increment(ref _runs);
            StorageMetrics.Checkpointed();
        }
        catch (SQLiteException)
        {
            // A disk error here is met again by the next commit, which reports it to its caller; this one tries again
            // after the next commit.
        }
    }

    /// <summary>Stops the thread; the file's last connection to close copies whatever the log still holds.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _connection.Dispose();
        _committed.Dispose();
        _stop.Dispose();
    }
}
