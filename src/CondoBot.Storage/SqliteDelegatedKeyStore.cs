using CondoBot.Core;
using CondoBot.Core.Identity;

namespace CondoBot.Storage;

/// <summary>Delegated keys, one per chat user. The private key arrives sealed by the vault and is stored as given.</summary>
public sealed class SqliteDelegatedKeyStore(SqliteDatabase database) : IDelegatedKeyStore
{
    public Task PutAsync(DelegatedKeyRecord record, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return database.WriteAsync(connection => connection.Execute(
            """
            INSERT INTO user_keys (chat_user, login, public_key, protected_private_key, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (chat_user) DO UPDATE SET
                login = excluded.login, public_key = excluded.public_key,
                protected_private_key = excluded.protected_private_key, created_at = excluded.created_at
            """,
            record.User.ToString(), record.Login.Value, record.PublicKey, record.ProtectedPrivateKey,
            record.CreatedAt.ToUnixTimeMilliseconds()));
    }

    public Task<DelegatedKeyRecord?> GetAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var rows = database.Read(connection => connection.Rows(
            "SELECT login, public_key, protected_private_key, created_at FROM user_keys WHERE chat_user = ?",
            row => new DelegatedKeyRecord(user, new ClusterUser(row.Text(0)), row.Text(1), row.Blob(2), DateTimeOffset.FromUnixTimeMilliseconds(row.Long(3))),
            user.ToString()));
        // Stored times have millisecond precision; the key's age is shown to people, never compared exactly.
        return Task.FromResult(rows.Count == 0 ? null : rows[0]);
    }

    public async Task<bool> DeleteAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var deleted = await database.WriteAsync(connection => connection.Execute("DELETE FROM user_keys WHERE chat_user = ?", user.ToString()));
        return deleted > 0;
    }
}
