using CondoBot.Core.Notices;
using Microsoft.Extensions.Time.Testing;

namespace CondoBot.Storage.Tests;

/// <summary>A real database file in a fresh temporary directory, removed after each test.</summary>
public abstract class StorageTest : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "condobot-storage-tests", Guid.NewGuid().ToString("N"));

    protected StorageTest()
    {
        // A directory that does not exist yet: opening must create it.
        DatabasePath = Path.Combine(_directory, "state", "condobot.db");
        Open();
    }

    protected string DatabasePath { get; }

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero));

    internal XorProtector Protector { get; } = new();

    protected OutboxSignal Signal { get; } = new();

    protected SqliteDatabase Database { get; private set; } = null!;

    protected SqliteNoticeOutbox Outbox { get; private set; } = null!;

    protected SqliteSessionStore Sessions { get; private set; } = null!;

    protected SqliteDelegatedKeyStore Keys { get; private set; } = null!;

    /// <summary>Closes the file and opens it again, as a restarted bot would.</summary>
    protected void Reopen()
    {
        Database.Dispose();
        Open();
    }

    /// <summary>Every byte SQLite has written, main file and write-ahead log, as text one can search.</summary>
    protected string RawFileContents()
    {
        Database.Dispose();
        var bytes = new List<byte>();
        foreach (var file in new[] { DatabasePath, DatabasePath + "-wal" }.Where(File.Exists)) bytes.AddRange(File.ReadAllBytes(file));
        Open();
        return System.Text.Encoding.Latin1.GetString([.. bytes]);
    }

    private void Open()
    {
        Database = new SqliteDatabase(DatabasePath);
        Outbox = new SqliteNoticeOutbox(Database, Protector, Signal, Time);
        Sessions = new SqliteSessionStore(Database, Outbox, new SqliteStepHandOver(Database));
        Keys = new SqliteDelegatedKeyStore(Database);
    }

    public void Dispose()
    {
        Database.Dispose();
        Signal.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
