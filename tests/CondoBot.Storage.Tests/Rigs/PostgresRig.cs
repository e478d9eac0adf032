using CondoBot.Core.Audit;
using CondoBot.Core.Identity;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using CondoBot.Storage.Postgres;
using CondoBot.Testing;
using Npgsql;

namespace CondoBot.Storage.Tests.Rigs;

/// <summary>The PostgreSQL stores on a database of their own on the local server, dropped afterwards.</summary>
public sealed class PostgresRig : StoreRig
{
    private readonly LocalPostgres _server = LocalPostgres.CreateDatabase();
    private PostgresDatabase _database = null!;
    private PostgresNoticeOutbox _outbox = null!;
    private PostgresSessionStore _sessions = null!;
    private PostgresDelegatedKeyStore _keys = null!;
    private PostgresChatStateStore _chatState = null!;
    private PostgresAuditLog _audit = null!;
    private PostgresSubmissionClaims _claims = null!;
    private PostgresStepHandOver _handOver = null!;

    public PostgresRig() => Open();

    public string ConnectionString => _server.ConnectionString;

    public override ISessionStore Sessions => _sessions;

    public override INoticeOutbox Outbox => _outbox;

    public override IDelegatedKeyStore Keys => _keys;

    public override IChatStateStore ChatState => _chatState;

    public override IAuditLog Audit => _audit;

    public override ISubmissionClaims Claims => _claims;

    public override IStepHandOver HandOver => _handOver;

    public PostgresDatabase Database => _database;

    /// <summary>Another replica's outbox on the same database (its own name on its leases).</summary>
    public PostgresNoticeOutbox Replica(string name, TimeSpan? lease = null) =>
        new(_database, Protector, Signal, Time, new PostgresOutboxOptions { Replica = name, Lease = lease ?? TimeSpan.FromMinutes(2) });

    public override void Reopen()
    {
        _database.Dispose();
        Open();
    }

    public override void InsertRawNotice(string recipient, byte[] payload)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("INSERT INTO condobot.outbox (recipient, payload, attempts, due_at, created_at) VALUES (@to, @payload, 0, 0, 0)", connection);
        command.Parameters.AddWithValue("to", recipient);
        command.Parameters.AddWithValue("payload", payload);
        command.ExecuteNonQuery();
    }

    public override long OutboxRows()
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT COUNT(*) FROM condobot.outbox", connection);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Every outbox row, recipient and payload bytes, as text.</summary>
    public override string RawOutboxText()
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT recipient, payload FROM condobot.outbox", connection);
        using var reader = command.ExecuteReader();
        var text = new System.Text.StringBuilder();
        while (reader.Read()) text.Append(reader.GetString(0)).Append(System.Text.Encoding.Latin1.GetString((byte[])reader.GetValue(1)));
        return text.ToString();
    }

    private void Open()
    {
        _database = new PostgresDatabase(ConnectionString);
        // A fixed replica name: a reopened rig is the same instance restarted, and may take its own leases back.
        _outbox = new PostgresNoticeOutbox(_database, Protector, Signal, Time, new PostgresOutboxOptions { Replica = "test" }, metrics: Metrics);
        _handOver = new PostgresStepHandOver(_database, Time);
        _sessions = new PostgresSessionStore(_database, _outbox, _handOver);
        _keys = new PostgresDelegatedKeyStore(_database);
        _chatState = new PostgresChatStateStore(_database, Time);
        _audit = new PostgresAuditLog(_database);
        _claims = new PostgresSubmissionClaims(_database);
    }

    public override void Dispose()
    {
        _database.Dispose();
        NpgsqlConnection.ClearAllPools();
        _server.Dispose();
        base.Dispose();
    }
}
