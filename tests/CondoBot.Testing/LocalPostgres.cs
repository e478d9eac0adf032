using Npgsql;

namespace CondoBot.Testing;

/// <summary>
/// The local PostgreSQL that <c>deploy/postgres/local-postgres.sh</c> starts (idempotent; tests/run.sh runs it first).
/// Each test gets a database of its own, dropped when it is disposed, so tests never see each other's rows.
/// </summary>
public sealed class LocalPostgres : IDisposable
{
    private static readonly Lazy<string> Server = new(() => LocalCluster.Run("bash", LocalCluster.RepoFile("deploy/postgres/local-postgres.sh"), "up").Trim());

    private LocalPostgres(string database)
    {
        Database = database;
        ConnectionString = new NpgsqlConnectionStringBuilder(Server.Value) { Database = database }.ConnectionString;
    }

    public string Database { get; }

    /// <summary>The connection string of this test's own database, as <c>ConnectionStrings__CondoBot</c> takes it.</summary>
    public string ConnectionString { get; }

    public static LocalPostgres CreateDatabase()
    {
        var name = "condobot_test_" + Guid.NewGuid().ToString("N")[..12];
        Admin($"CREATE DATABASE {name}");
        return new LocalPostgres(name);
    }

    /// <summary>
    /// Drops the database. FORCE ends the test's own connections, but not an autovacuum worker that the test's writes
    /// started on it (that needs a superuser): its refusal (42501) goes away once the worker is done, so it is retried.
    /// </summary>
    public void Dispose()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Admin($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 20)
            {
                Thread.Sleep(250);
            }
        }
    }

    private static void Admin(string sql)
    {
        using var connection = new NpgsqlConnection(Server.Value);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
