using CondoBot.Core;
using CondoBot.Core.Identity;

namespace CondoBot.Storage.Postgres;

/// <summary>Delegated keys, one per chat user. The private key arrives sealed by the vault and is stored as given.</summary>
public sealed class PostgresDelegatedKeyStore(PostgresDatabase database) : IDelegatedKeyStore
{
    public async Task PutAsync(DelegatedKeyRecord record, CancellationToken cancellationToken)
    {
        await using var command = database.Command(
            """
            INSERT INTO condobot.user_keys (chat_user, login, public_key, protected_private_key, created_at)
            VALUES (@user, @login, @public, @sealed, @created)
            ON CONFLICT (chat_user) DO UPDATE SET
                login = excluded.login, public_key = excluded.public_key,
                protected_private_key = excluded.protected_private_key, created_at = excluded.created_at
            """,
            ("user", record.User.ToString()), ("login", record.Login.Value), ("public", record.PublicKey),
            ("sealed", record.ProtectedPrivateKey), ("created", record.CreatedAt.ToUnixTimeMilliseconds()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<DelegatedKeyRecord?> GetAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        await using var command = database.Command(
            "SELECT login, public_key, protected_private_key, created_at FROM condobot.user_keys WHERE chat_user = @user",
            ("user", user.ToString()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        // Stored times have millisecond precision, as in SQLite; the key's age is shown to people, never compared exactly.
        return new DelegatedKeyRecord(
            user,
            new ClusterUser(reader.GetString(0)),
            reader.GetString(1),
            (byte[])reader.GetValue(2),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
    }

    public async Task<bool> DeleteAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        await using var command = database.Command("DELETE FROM condobot.user_keys WHERE chat_user = @user", ("user", user.ToString()));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }
}
