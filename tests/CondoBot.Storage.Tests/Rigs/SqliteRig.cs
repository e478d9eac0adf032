using CondoBot.Core.Audit;
using CondoBot.Core.Identity;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;

namespace CondoBot.Storage.Tests.Rigs;

/// <summary>The SQLite stores on a file in a fresh temporary folder, removed afterwards.</summary>
public sealed class SqliteRig : StoreRig
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "condobot-storage-tests", Guid.NewGuid().ToString("N"));
    private SqliteDatabase _database = null!;
    private SqliteNoticeOutbox _outbox = null!;
    private SqliteSessionStore _sessions = null!;
    private SqliteDelegatedKeyStore _keys = null!;
    private SqliteChatStateStore _chatState = null!;
    private SqliteAuditLog _audit = null!;
    private SqliteSubmissionClaims _claims = null!;
    private SqliteStepHandOver _handOver = null!;

    public SqliteRig()
    {
        // A folder that does not exist yet: opening must create it.
        DatabasePath = Path.Combine(_directory, "state", "condobot.db");
        Open();
    }

    public string DatabasePath { get; }

    public override ISessionStore Sessions => _sessions;

    public override INoticeOutbox Outbox => _outbox;

    public override IDelegatedKeyStore Keys => _keys;

    public override IChatStateStore ChatState => _chatState;

    public override IAuditLog Audit => _audit;

    public override ISubmissionClaims Claims => _claims;

    public override IStepHandOver HandOver => _handOver;

    public override void Reopen()
    {
        _database.Dispose();
        Open();
    }

    public override void InsertRawNotice(string recipient, byte[] payload)
    {
        using var connection = new SQLite.SQLiteConnection(DatabasePath);
        connection.Execute("INSERT INTO outbox (recipient, payload, attempts, due_at, created_at) VALUES (?, ?, 0, 0, 0)", recipient, payload);
    }

    public override long OutboxRows()
    {
        using var connection = new SQLite.SQLiteConnection(DatabasePath);
        return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM outbox");
    }

    /// <summary>Every byte SQLite has written, main file and write-ahead log.</summary>
    public override string RawOutboxText()
    {
        _database.Dispose();
        var bytes = new List<byte>();
        foreach (var file in new[] { DatabasePath, DatabasePath + "-wal" }.Where(File.Exists)) bytes.AddRange(File.ReadAllBytes(file));
        Open();
        return System.Text.Encoding.Latin1.GetString([.. bytes]);
    }

    private void Open()
    {
        _database = new SqliteDatabase(DatabasePath);
        _outbox = new SqliteNoticeOutbox(_database, Protector, Signal, Time, metrics: Metrics);
        _handOver = new SqliteStepHandOver(_database);
        _sessions = new SqliteSessionStore(_database, _outbox, _handOver);
        _keys = new SqliteDelegatedKeyStore(_database);
        _chatState = new SqliteChatStateStore(_database, Time);
        _audit = new SqliteAuditLog(_database);
        _claims = new SqliteSubmissionClaims(_database);
    }

    public override void Dispose()
    {
        _database.Dispose();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        base.Dispose();
    }
}
