using CondoBot.Core.Notices;

namespace CondoBot.Storage;

/// <summary>Front-door facts by key, in the bot's database.</summary>
public sealed class SqliteChatStateStore(SqliteDatabase database, TimeProvider time) : IChatStateStore
{
    public Task<string?> GetAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var value = database.Read(c => c.Rows("SELECT value FROM chat_state WHERE key = ?", row => row.TextOrNull(0), key).FirstOrDefault());
        return Task.FromResult(value);
    }

    public Task PutAsync(string key, string value, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return database.WriteAsync(c => c.Run(
            "INSERT INTO chat_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            key, value, time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    public async Task<bool> TryAddAsync(string key, string value, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var added = await database.WriteAsync(c => Add(c, key, value));
        return added > 0;
    }

    /// <summary>
    /// Defers the key to the request's first write (see <see cref="SqliteDatabase.Ride"/>): a <c>start</c> stores its
    /// guard, its session and its submission step in one commit instead of waiting for two in a row. Not async, so
    /// that the rider it sets stays with the caller.
    /// </summary>
    public Task<IChatStateClaim> ClaimAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var rider = database.Ride(connection =>
        {
            if (Add(connection, key, "") == 0) throw new ChatStateKeyTakenException(key);
        });
        return Task.FromResult<IChatStateClaim>(new RidingClaim(this, rider, key));
    }

    private int Add(SQLite.SQLiteConnection connection, string key, string value) => connection.Run(
        "INSERT INTO chat_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
        key, value, time.GetUtcNow().ToUnixTimeMilliseconds());

    private sealed class RidingClaim(SqliteChatStateStore store, SqliteDatabase.Rider rider, string key) : IChatStateClaim
    {
        public bool StoredWithRequest => rider.HasLanded;

        public async Task EnsureTakenAsync(CancellationToken cancellationToken)
        {
            // Closed first, so no write of the flow can carry the key once it is added here.
            if (!rider.Close() || rider.HasLanded) return;
            if (!await store.TryAddAsync(key, "", cancellationToken)) throw new ChatStateKeyTakenException(key);
        }

        public void Dispose() => rider.Close();
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return database.WriteAsync(c => c.Execute("DELETE FROM chat_state WHERE key = ?", key));
    }

    public Task<IReadOnlyList<string>> KeysAsync(string prefix, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // A range on the primary key rather than LIKE, whose `_` and `%` a prefix may hold.
        var keys = database.Read(c => c.QueryScalars<string>(
            "SELECT key FROM chat_state WHERE key >= ? AND key < ? ORDER BY key LIMIT ?", prefix, prefix + '\uffff', limit));
        return Task.FromResult<IReadOnlyList<string>>(keys);
    }
}
