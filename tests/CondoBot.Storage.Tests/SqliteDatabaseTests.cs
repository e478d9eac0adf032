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

/// <summary>
/// The columns beside each session's document that hot queries read: the local port (a start reads its owner's ports)
/// and when the next step is due (the watchdog reads only sessions late enough).
/// </summary>
public sealed class SqliteLocalPortColumnTests : StorageTest
{
    [Fact]
    public void A_starts_port_query_is_two_seeks_in_the_partial_index_on_active_ports_not_a_scan()
    {
        Database.Dispose();
        using var raw = new SQLiteConnection(DatabasePath);
        var plan = raw.Query<PlanRow>("EXPLAIN QUERY PLAN " + SqliteSessionStore.FreeLocalPortSql, "slack:U1", 8888).Select(r => r.Detail).ToList();

        var searches = plan.Where(d => d.Contains("sessions", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, searches.Count);
        Assert.All(searches, d => Assert.StartsWith("SEARCH sessions USING COVERING INDEX sessions_active_ports (owner=?", d, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Opening_a_file_from_before_the_columns_fills_them_in_from_the_stored_sessions()
    {
        var now = new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);
        var later = Samples.NewSession(Samples.Alice, now, localPort: 8893);
        later.NextStepAt = now.AddMinutes(10).AddTicks(1234567);
        var unset = Samples.NewSession(Samples.Bob, now.AddMinutes(1), localPort: 8894);
        unset.NextStepAt = null;
        await Sessions.AddAsync(later, CancellationToken.None);
        await Sessions.AddAsync(unset, CancellationToken.None);
        Database.Dispose();
        using (var raw = new SQLiteConnection(DatabasePath))
        {
            // The file as the build before the columns left it: no column values, and that step not applied.
            raw.Execute("DROP INDEX sessions_active_ports");
            raw.Execute("DROP INDEX sessions_active_due");
            raw.Execute("ALTER TABLE sessions DROP COLUMN local_port");
            raw.Execute("ALTER TABLE sessions DROP COLUMN due_at");
            raw.Execute("DELETE FROM schema_version WHERE version = ?", SqliteSchema.LatestVersion);
        }

        Reopen();

        Assert.Equal(8894, await Sessions.FreeLocalPortAsync(Samples.Alice, 8893, CancellationToken.None));
        // Due from NextStepAt to the millisecond, or from creation when it has none.
        Assert.Equal([unset.Id], (await Sessions.ListActiveDueAsync(now.AddMinutes(10), CancellationToken.None)).Select(s => s.Id));
        Assert.Equal([unset.Id, later.Id], (await Sessions.ListActiveDueAsync(now.AddMinutes(10).AddMilliseconds(124), CancellationToken.None)).Select(s => s.Id));
    }

    [Fact]
    public void The_watchdogs_query_is_answered_from_the_partial_index_on_due_times()
    {
        Database.Dispose();
        using var raw = new SQLiteConnection(DatabasePath);
        var plan = string.Join("\n", raw.Query<PlanRow>(
            "EXPLAIN QUERY PLAN SELECT data FROM sessions WHERE due_at < ? AND state <> 'Ended' ORDER BY due_at", 0L).Select(r => r.Detail));

        Assert.Contains("USING INDEX sessions_active_due", plan, StringComparison.Ordinal);
    }

    private sealed class PlanRow
    {
        [Column("detail")]
        public string Detail { get; set; } = "";
    }
}
