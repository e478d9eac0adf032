using System.Runtime.CompilerServices;
using SQLite;
using SQLitePCL;

namespace CondoBot.Storage;

/// <summary>
/// The statements run on every command and step, prepared once per connection and kept. sqlite-net prepares each
/// statement anew (SQLite's parser and planner were a few per cent of the service's CPU under a burst of <c>start</c>
/// commands) and builds its column setters on every query. A connection is used by one thread at a time (the commit
/// thread, or a reader taken from the pool), so its statements need no lock. <see cref="Forget"/> finalizes them; call
/// it before the connection is closed, or SQLite keeps the file open until the statements are collected.
/// </summary>
internal static class Statements
{
    private const int Row = 100;
    private const int Done = 101;

    private static readonly ConditionalWeakTable<SQLiteConnection, Dictionary<string, sqlite3_stmt>> Kept = new();

    /// <summary>Runs <paramref name="sql"/> and answers the rows it changed, as <c>Execute</c> does.</summary>
    public static int Run(this SQLiteConnection connection, string sql, params object?[] args)
    {
        var statement = Prepared(connection, sql, args);
        try
        {
            var result = raw.sqlite3_step(statement);
            while (result == Row) result = raw.sqlite3_step(statement);
            if (result != Done) throw Failure(connection, result);
            return raw.sqlite3_changes(connection.Handle);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>Reads every row <paramref name="sql"/> answers, each with <paramref name="read"/>.</summary>
    public static List<T> Rows<T>(this SQLiteConnection connection, string sql, Func<sqlite3_stmt, T> read, params object?[] args)
    {
        var statement = Prepared(connection, sql, args);
        try
        {
            var rows = new List<T>();
            int result;
            while ((result = raw.sqlite3_step(statement)) == Row) rows.Add(read(statement));
            if (result != Done) throw Failure(connection, result);
            return rows;
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    public static string Text(this sqlite3_stmt row, int column) => raw.sqlite3_column_text(row, column).utf8_to_string() ?? "";

    public static string? TextOrNull(this sqlite3_stmt row, int column) =>
        raw.sqlite3_column_type(row, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(row, column).utf8_to_string();

    public static long Long(this sqlite3_stmt row, int column) => raw.sqlite3_column_int64(row, column);

    public static byte[] Blob(this sqlite3_stmt row, int column) => raw.sqlite3_column_blob(row, column).ToArray();

    /// <summary>Finalizes the connection's kept statements; it can still be used, and prepares them again.</summary>
    public static void Forget(SQLiteConnection connection)
    {
        if (!Kept.TryGetValue(connection, out var kept)) return;
        foreach (var statement in kept.Values) statement.Dispose();
        kept.Clear();
        Kept.Remove(connection);
    }

    private static sqlite3_stmt Prepared(SQLiteConnection connection, string sql, object?[] args)
    {
        var kept = Kept.GetValue(connection, _ => new Dictionary<string, sqlite3_stmt>(StringComparer.Ordinal));
        if (!kept.TryGetValue(sql, out var statement))
        {
            var result = raw.sqlite3_prepare_v2(connection.Handle, sql, out statement);
            if (result != raw.SQLITE_OK)
            {
                statement.Dispose();
                throw Failure(connection, result);
            }

            kept[sql] = statement;
        }

        raw.sqlite3_clear_bindings(statement);
        for (var i = 0; i < args.Length; i++) Bind(statement, i + 1, args[i]);
        return statement;
    }

    private static void Bind(sqlite3_stmt statement, int index, object? value)
    {
        var result = value switch
        {
            null => raw.sqlite3_bind_null(statement, index),
            string s => raw.sqlite3_bind_text(statement, index, s),
            long l => raw.sqlite3_bind_int64(statement, index, l),
            int i => raw.sqlite3_bind_int64(statement, index, i),
            bool b => raw.sqlite3_bind_int(statement, index, b ? 1 : 0),
            double d => raw.sqlite3_bind_double(statement, index, d),
            byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
            _ => throw new ArgumentException($"A statement's value of type {value.GetType().Name} is not one this store binds (text, integer, real, blob, null).", nameof(value)),
        };
        if (result != raw.SQLITE_OK) throw SQLiteException.New((SQLite3.Result)result, $"Could not bind value {index} of a statement.");
    }

    private static SQLiteException Failure(SQLiteConnection connection, int result) =>
        SQLiteException.New((SQLite3.Result)result, raw.sqlite3_errmsg(connection.Handle).utf8_to_string());
}
