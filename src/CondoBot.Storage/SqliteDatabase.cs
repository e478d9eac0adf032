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

    private readonly string _path;
    private readonly SQLiteConnection _writer;
    private readonly ConcurrentBag<SQLiteConnection> _readers = [];
    private readonly GroupCommit _commits;
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
            SqliteSchema.Upgrade(_writer);
            _readers.Add(Open(fullPath));
        }
        catch
        {
            _writer.Dispose();
            throw;
        }

        _commits = new GroupCommit(_writer);
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
                reader.Dispose();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> as one unit: all of it is stored, or none (if it throws, the task carries the
    /// exception and nothing it did is kept). Completes once it is committed. The unit runs on the commit thread, so it
    /// must only run statements: no waiting, no I/O of its own.
    /// </summary>
    internal Task WriteAsync(Action<SQLiteConnection> write) => _commits.WriteAsync(connection =>
    {
        write(connection);
        return true;
    });

    /// <inheritdoc cref="WriteAsync(Action{SQLiteConnection})"/>
    internal Task<T> WriteAsync<T>(Func<SQLiteConnection, T> write) => _commits.WriteAsync(write);

    /// <summary>Commits the writes already queued, then closes the file; safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _commits.Dispose();
        // A read still running keeps its connection and closes it when done (see Read).
        CloseReaders();

        _writer.Dispose();
    }

    private void CloseReaders()
    {
        while (_readers.TryTake(out var reader)) reader.Dispose();
    }
}
