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
