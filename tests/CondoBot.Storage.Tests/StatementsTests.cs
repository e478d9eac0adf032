using SQLite;

namespace CondoBot.Storage.Tests;

/// <summary>Statements prepared once per connection: they bind and read back every kind of value the stores use.</summary>
public sealed class StatementsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("condobot-statements-").FullName;
    private readonly SQLiteConnection _connection;

    public StatementsTests()
    {
        _connection = new SQLiteConnection(Path.Combine(_folder, "s.db"));
        _connection.Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, note TEXT, size INTEGER, blob BLOB, ratio REAL, flag INTEGER)");
    }

    public void Dispose()
    {
        Statements.Forget(_connection);
        _connection.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Values_written_through_a_kept_statement_read_back_as_written_each_time_it_is_run()
    {
        const string insert = "INSERT INTO t (name, note, size, blob, ratio, flag) VALUES (?, ?, ?, ?, ?, ?)";
        Assert.Equal(1, _connection.Run(insert, "a", null, 5_000_000_000L, new byte[] { 1, 2, 3 }, 0.5, true));
        Assert.Equal(1, _connection.Run(insert, "b", "ünïcode", 7, Array.Empty<byte>(), 2.0, false));

        var rows = _connection.Rows(
            "SELECT name, note, size, blob, flag FROM t WHERE size > ? ORDER BY id",
            r => (r.Text(0), r.TextOrNull(1), r.Long(2), r.Blob(3), r.Long(4)), 0);

        Assert.Equal(2, rows.Count);
        Assert.Equal(("a", (string?)null, 5_000_000_000L), (rows[0].Item1, rows[0].Item2, rows[0].Item3));
        Assert.Equal([1, 2, 3], rows[0].Item4);
        Assert.Equal(1, rows[0].Item5);
        Assert.Equal(("b", "ünïcode", 7L), (rows[1].Item1, rows[1].Item2, rows[1].Item3));
        Assert.Empty(rows[1].Item4);
        Assert.Equal(0, rows[1].Item5);
    }

    [Fact]
    public void A_kept_statement_is_bound_afresh_each_run_so_a_value_left_out_is_null_not_the_last_one()
    {
        _connection.Run("INSERT INTO t (name, note) VALUES (?, ?)", "a", "first note");
        _connection.Run("INSERT INTO t (name, note) VALUES (?, ?)", "b");

        Assert.Equal([null], _connection.Rows("SELECT note FROM t WHERE name = ?", r => r.TextOrNull(0), "b"));
    }

    [Fact]
    public void A_broken_constraint_fails_as_sqlite_reports_it_and_the_statement_runs_again_afterwards()
    {
        _connection.Run("INSERT INTO t (name) VALUES (?)", "a");

        var error = Assert.ThrowsAny<SQLiteException>(() => _connection.Run("INSERT INTO t (name) VALUES (?)", "a"));
        Assert.Equal(SQLite3.Result.Constraint, error.Result);
        Assert.Contains("UNIQUE", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _connection.Run("INSERT INTO t (name) VALUES (?)", "b"));
    }

    [Fact]
    public void A_value_of_a_kind_the_store_does_not_bind_is_refused_with_its_type()
    {
        var error = Assert.Throws<ArgumentException>(() => _connection.Run("INSERT INTO t (name) VALUES (?)", DateTime.UnixEpoch));

        Assert.Contains("DateTime", error.Message, StringComparison.Ordinal);
        Assert.Empty(_connection.Rows("SELECT name FROM t", r => r.Text(0)));
    }

    [Fact]
    public void Statements_kept_before_the_table_changed_see_the_new_table()
    {
        _connection.Run("INSERT INTO t (name) VALUES (?)", "a");
        Assert.Equal(["a"], _connection.Rows("SELECT * FROM t", r => r.Text(1)));

        _connection.Execute("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'x'");

        Assert.Equal(["x"], _connection.Rows("SELECT * FROM t", r => r.Text(7)));
    }

    [Fact]
    public void Forgetting_a_connections_statements_lets_it_close_the_file()
    {
        var path = Path.Combine(_folder, "w.db");
        var connection = new SQLiteConnection(path);
        connection.ExecuteScalar<string>("PRAGMA journal_mode = WAL");
        connection.Execute("CREATE TABLE k (v TEXT)");
        connection.Run("INSERT INTO k (v) VALUES (?)", "kept");
        Assert.True(File.Exists(path + "-wal"));

        Statements.Forget(connection);
        connection.Dispose();

        // The last connection to close a file in WAL mode folds the log into it and deletes it; one left open (its
        // statements still prepared) would keep it.
        Assert.False(File.Exists(path + "-wal"));
    }
}
