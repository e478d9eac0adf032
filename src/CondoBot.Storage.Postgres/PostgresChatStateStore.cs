using CondoBot.Core.Notices;

namespace CondoBot.Storage.Postgres;

/// <summary>Front-door facts by key. <see cref="TryAddAsync"/> is atomic across replicas, so a retried request is recognised whichever replica it reaches.</summary>
public sealed class PostgresChatStateStore(PostgresDatabase database, TimeProvider time) : IChatStateStore
{
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = database.Command("SELECT value FROM condobot.chat_state WHERE key = @key", ("key", key));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task PutAsync(string key, string value, CancellationToken cancellationToken)
    {
        await using var command = database.Command(
            """
            INSERT INTO condobot.chat_state (key, value, updated_at) VALUES (@key, @value, @at)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """,
            ("key", key), ("value", value), ("at", time.GetUtcNow().ToUnixTimeMilliseconds()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> TryAddAsync(string key, string value, CancellationToken cancellationToken)
    {
        await using var command = database.Command(
            "INSERT INTO condobot.chat_state (key, value, updated_at) VALUES (@key, @value, @at) ON CONFLICT (key) DO NOTHING",
            ("key", key), ("value", value), ("at", time.GetUtcNow().ToUnixTimeMilliseconds()));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = database.Command("DELETE FROM condobot.chat_state WHERE key = @key", ("key", key));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> KeysAsync(string prefix, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.Command(
            "SELECT key FROM condobot.chat_state WHERE starts_with(key, @prefix) ORDER BY key LIMIT @limit",
            ("prefix", prefix), ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) keys.Add(reader.GetString(0));
        return keys;
    }
}
