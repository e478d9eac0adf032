using System.Collections.Concurrent;
using SQLite;

namespace CondoBot.Storage;

/// <summary>
/// The bot's SQLite file, in write-ahead-log mode with two connections. Writes go through <see cref="GroupCommit"/>: one
/// thread commits them in batches, and a write's task completes only after the commit that holds it, so anything
/// answered "done" (a chat request acknowledged, a session created) is stored. How far it is stored is
/// <see cref="SqliteDurability"/>: with <c>Full</c> (the default) each commit waits for the log's fsync, so it survives
/// a power cut as well as a killed process, and batching is what keeps that affordable when many requests arrive at
/// once. Reads use connections of their own, a few of them: in WAL mode a reader sees the last commit and never waits for
/// a writer's fsync, and readers do not wait for each other either. One shared read connection was the bottleneck of a
/// burst of <c>start</c> commands: each request reads twice (the user's key, their sessions), and background steps read
/// too, so requests queued (spinning, on two cores) behind each other's reads.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    /// <summary>Read connections kept open; a read finding none free opens another, and only this many are kept.</summary>
    private const int KeptReaders = 4;

    /// <summary>The writer's page cache: 32 MiB, at most (SQLite allocates pages as they are used).</summary>
    private const int WriterCacheKiB = 32 * 1024;

    private readonly string _path;
    private readonly SQLiteConnection _writer;
    private readonly ConcurrentBag<SQLiteConnection> _readers = [];
    private readonly GroupCommit _commits;
    private readonly WalCheckpoints _checkpoints;
    private readonly AsyncLocal<Rider?> _rider = new();
    private int _disposed;

    public SqliteDatabase(string path, SqliteDurability durability = SqliteDurability.Full)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        _path = fullPath;
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);

        _writer = Open(fullPath);
        try
        {
            _writer.ExecuteScalar<string>("PRAGMA journal_mode = WAL");
            _writer.Execute(durability == SqliteDurability.Normal ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL");
            // Checkpoints run beside the commits (WalCheckpoints). The commit thread's own is kept as the bound on the
            // log: it is what lets the log start over (see WalCheckpoints) and finds little left to copy.
            _writer.ExecuteScalar<int>($"PRAGMA wal_autocheckpoint = {WalCheckpoints.LogBound}");
            // The one connection that writes keeps its pages between commits (a reader's are dropped whenever another
            // connection has written); SQLite's default of 2 MiB made each commit read back the pages of the rows
            // it updates.
            _writer.Execute($"PRAGMA cache_size = -{WriterCacheKiB}");
            SqliteSchema.Upgrade(_writer);
            _readers.Add(Open(fullPath));
            _checkpoints = new WalCheckpoints(Open(fullPath));
        }
        catch
        {
            CloseReaders();
            Close(_writer);
            throw;
        }

        _commits = new GroupCommit(_writer, _checkpoints.Committed);
    }

    private static SQLiteConnection Open(string path)
    {
        var connection = new SQLiteConnection(path, SQLiteOpenFlags.FullMutex | SQLiteOpenFlags.ReadWrite | SQLiteOpenFlags.Create);
        try
        {
            // Another process (a backup, a sqlite3 shell) may hold the file briefly; wait rather than fail.
            connection.BusyTimeout = TimeSpan.FromSeconds(5);
            connection.Execute("PRAGMA foreign_keys = ON");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Transactions committed since the file was opened; a batch of concurrent writes counts once.</summary>
    internal long Commits => _commits.Commits;

    /// <summary>Checkpoints of the write-ahead log run since the file was opened.</summary>
    internal long Checkpoints => _checkpoints.Runs;

    /// <summary>Whether the file still answers a query; for the readiness probe.</summary>
    public bool IsReachable()
    {
        try
        {
            return Read(c => c.ExecuteScalar<int>("SELECT COUNT(*) FROM schema_version")) > 0;
        }
        catch (SQLiteException)
        {
            return false;
        }
    }

    /// <summary>Runs <paramref name="read"/> alone on the read connection; it sees every write whose task has completed.</summary>
    internal T Read<T>(Func<SQLiteConnection, T> read)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var reader = _readers.TryTake(out var kept) ? kept : Open(_path);
        try
        {
            return read(reader);
        }
        finally
        {
            if (_readers.Count < KeptReaders && Volatile.Read(ref _disposed) == 0)
            {
                _readers.Add(reader);
                // Closed while this read ran: close what Dispose may have missed.
                if (Volatile.Read(ref _disposed) == 1) CloseReaders();
            }
            else
            {
                Close(reader);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> as one unit: all of it is stored, or none (if it throws, the task carries the
    /// exception and nothing it did is kept). Completes once it is committed. The unit runs on the commit thread, so it
    /// must only run statements: no waiting, no I/O of its own.
    /// </summary>
    internal Task WriteAsync(Action<SQLiteConnection> write) => WriteAsync(connection =>
    {
        write(connection);
        return true;
    });

    /// <inheritdoc cref="WriteAsync(Action{SQLiteConnection})"/>
    internal Task<T> WriteAsync<T>(Func<SQLiteConnection, T> write)
    {
        if (_rider.Value is not { } rider || !rider.TryBoard()) return _commits.WriteAsync(write);
        return RideAsync(rider, _commits.WriteAsync(connection =>
        {
            rider.Unit(connection);
            return write(connection);
        }));
    }

    private static async Task<T> RideAsync<T>(Rider rider, Task<T> write)
    {
        try
        {
            var result = await write;
            rider.Landed();
            return result;
        }
        catch
        {
            // Rolled back with the write: the next write of the flow carries it instead.
            rider.Unboard();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="unit"/> inside the next write made in the calling flow (this method's caller and what it
    /// awaits), in that write's transaction: if the unit throws, that write fails and stores nothing. The answer is
    /// the rider, to ask whether it has landed and to close it; a closed rider boards no later write. Call it from the
    /// method that goes on to make the write: a value set in an async method does not flow back to its caller.
    /// </summary>
    internal Rider Ride(Action<SQLiteConnection> unit)
    {
        var rider = new Rider(unit);
        _rider.Value = rider;
        return rider;
    }

    /// <summary>Work that rides in the first write of a flow; see <see cref="Ride"/>.</summary>
    internal sealed class Rider(Action<SQLiteConnection> unit)
    {
        private const int Waiting = 0, Boarded = 1, Done = 2;
        private int _state;

        public Action<SQLiteConnection> Unit { get; } = unit;

        /// <summary>True once a write holding the unit has committed.</summary>
        public bool HasLanded { get; private set; }

        public bool TryBoard() => Interlocked.CompareExchange(ref _state, Boarded, Waiting) == Waiting;

        public void Unboard() => Interlocked.CompareExchange(ref _state, Waiting, Boarded);

        public void Landed()
        {
            HasLanded = true;
            Volatile.Write(ref _state, Done);
        }

        /// <summary>Boards no later write; answers false if a write holding it is still in flight.</summary>
        public bool Close() => Interlocked.CompareExchange(ref _state, Done, Waiting) != Boarded;
    }

    /// <summary>Commits the writes already queued, then closes the file; safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _commits.Dispose();
        _checkpoints.Dispose();
        // A read still running keeps its connection and closes it when done (see Read).
        CloseReaders();

        Close(_writer);
    }

    private void CloseReaders()
    {
        while (_readers.TryTake(out var reader)) Close(reader);
    }

    /// <summary>Closes a connection with its kept statements (<see cref="Statements"/>), so the file is closed now.</summary>
    private static void Close(SQLiteConnection connection)
    {
        Statements.Forget(connection);
        connection.Dispose();
    }
}
