using SQLite;

namespace CondoBot.Storage;

/// <summary>
/// The bot's SQLite file. One connection serves the whole process, and every unit of work holds a lock on it: a
/// transaction belongs to the connection, not to the caller, so without the lock one caller's statements could land
/// inside another's transaction. The bot writes a few rows a minute, far below what one connection serves, and SQLite
/// admits one writer at a time anyway, so a connection per call would buy little beyond busy waits.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly SQLiteConnection _connection;
    private readonly Lock _lock = new();

    public SqliteDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);

        _connection = new SQLiteConnection(fullPath, SQLiteOpenFlags.FullMutex | SQLiteOpenFlags.ReadWrite | SQLiteOpenFlags.Create);
        try
        {
            // Another process (a backup, a sqlite3 shell) may hold the file briefly; wait rather than fail.
            _connection.BusyTimeout = TimeSpan.FromSeconds(5);
            _connection.ExecuteScalar<string>("PRAGMA journal_mode = WAL");
            _connection.Execute("PRAGMA foreign_keys = ON");
            SqliteSchema.Upgrade(this);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

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

    /// <summary>Runs <paramref name="read"/> alone on the connection.</summary>
    internal T Read<T>(Func<SQLiteConnection, T> read)
    {
        lock (_lock)
        {
            return read(_connection);
        }
    }

    /// <summary>Runs <paramref name="write"/> in one transaction: all of it is stored, or none.</summary>
    internal void Write(Action<SQLiteConnection> write) => Write(connection =>
    {
        write(connection);
        return true;
    });

    /// <summary>Runs <paramref name="write"/> in one transaction and answers what it answered.</summary>
    internal T Write<T>(Func<SQLiteConnection, T> write)
    {
        lock (_lock)
        {
            // IMMEDIATE takes the write lock up front, so a competing process makes us wait (busy timeout) instead of
            // failing half-way when a deferred transaction tries to upgrade from read to write.
            _connection.Execute("BEGIN IMMEDIATE");
            try
            {
                var result = write(_connection);
                _connection.Execute("COMMIT");
                return result;
            }
            catch
            {
                RollBack();
                throw;
            }
        }
    }

    private void RollBack()
    {
        try
        {
            _connection.Execute("ROLLBACK");
        }
        catch (SQLiteException)
        {
            // SQLite has already rolled back after some errors (disk full, I/O); the caller's exception is the story.
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _connection.Dispose();
        }
    }
}
