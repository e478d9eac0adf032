using SQLite;

namespace CondoBot.Storage.Tests;

public sealed class SqliteDatabaseTests : StorageTest
{
    [Fact]
    public void Opening_CreatesTheFile_InWalMode_AtTheLatestSchemaVersion()
    {
        Assert.True(File.Exists(DatabasePath));
        Database.Dispose();

        using var raw = new SQLiteConnection(DatabasePath);
        Assert.Equal("wal", raw.ExecuteScalar<string>("PRAGMA journal_mode"));
        Assert.Equal(SqliteSchema.LatestVersion, raw.ExecuteScalar<int>("SELECT MAX(version) FROM schema_version"));
    }

    [Fact]
    public void Reopening_AppliesNoStepTwice()
    {
        Reopen();
        Reopen();

        Database.Dispose();
        using var raw = new SQLiteConnection(DatabasePath);
        Assert.Equal(SqliteSchema.LatestVersion, raw.ExecuteScalar<int>("SELECT COUNT(*) FROM schema_version"));
    }

    [Fact]
    public void Opening_Refuses_AFileWrittenByANewerBuild()
    {
        Database.Dispose();
        using (var raw = new SQLiteConnection(DatabasePath))
        {
            raw.Execute("INSERT INTO schema_version (version) VALUES (?)", SqliteSchema.LatestVersion + 1);
        }

        var refused = Assert.Throws<InvalidOperationException>(() => new SqliteDatabase(DatabasePath));
        Assert.Contains("newer", refused.Message, StringComparison.Ordinal);

        using (var raw = new SQLiteConnection(DatabasePath))
        {
            raw.Execute("DELETE FROM schema_version WHERE version > ?", SqliteSchema.LatestVersion);
        }

        Reopen();
    }
}

/// <summary>The local-port column beside each session's document, and the index a start reads its owner's ports from.</summary>
public sealed class SqliteLocalPortColumnTests : StorageTest
{
    [Fact]
    public void A_starts_port_query_is_answered_from_the_partial_index_on_active_ports()
    {
        Database.Dispose();
        using var raw = new SQLiteConnection(DatabasePath);
        var plan = string.Join("\n", raw.Query<PlanRow>(
            "EXPLAIN QUERY PLAN SELECT local_port FROM sessions WHERE owner = ? AND state <> 'Ended'", "slack:U1").Select(r => r.Detail));

        Assert.Contains("COVERING INDEX sessions_active_ports", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opening_a_file_from_before_the_column_fills_it_in_from_the_stored_sessions()
    {
        var now = new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);
        await Sessions.AddAsync(Samples.NewSession(Samples.Alice, now, localPort: 8893), CancellationToken.None);
        Database.Dispose();
        using (var raw = new SQLiteConnection(DatabasePath))
        {
            // The file as the build before the column left it: no column values, and that step not applied.
            raw.Execute("DROP INDEX sessions_active_ports");
            raw.Execute("ALTER TABLE sessions DROP COLUMN local_port");
            raw.Execute("DELETE FROM schema_version WHERE version = ?", SqliteSchema.LatestVersion);
        }

        Reopen();

        Assert.Equal([8893], await Sessions.ActiveLocalPortsAsync(Samples.Alice, CancellationToken.None));
    }

    private sealed class PlanRow
    {
        [Column("detail")]
        public string Detail { get; set; } = "";
    }
}
