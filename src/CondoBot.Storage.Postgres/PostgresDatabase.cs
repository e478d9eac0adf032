using Npgsql;

namespace CondoBot.Storage.Postgres;

/// <summary>
/// The bot's PostgreSQL database, shared by every replica. Unlike the SQLite file, several processes write here at
/// once, so every unit of work is a transaction on its own pooled connection, and cross-replica rules (optimistic
/// session versions, outbox claims) are enforced by the database, never by locks in one process.
/// </summary>
public sealed class PostgresDatabase : IDisposable
{
    public PostgresDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        DataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            PostgresSchema.Upgrade(this);
        }
        catch
        {
            DataSource.Dispose();
            throw;
        }
    }

    internal NpgsqlDataSource DataSource { get; }

    /// <summary>Runs <paramref name="work"/> in one transaction: all of it is stored, or none.</summary>
    internal async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>One statement with named parameters (<c>@name</c>), on a connection from the pool.</summary>
    internal NpgsqlCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = DataSource.CreateCommand(sql);
        Bind(command, parameters);
        return command;
    }

    internal static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        Bind(command, parameters);
        return command;
    }

    /// <summary>Whether the database answers; for the readiness probe.</summary>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = DataSource.CreateCommand("SELECT 1");
            return await command.ExecuteScalarAsync(cancellationToken) is 1;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    private static void Bind(NpgsqlCommand command, (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
    }

    public void Dispose() => DataSource.Dispose();
}
