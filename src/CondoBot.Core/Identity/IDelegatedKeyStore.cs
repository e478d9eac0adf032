namespace CondoBot.Core.Identity;

/// <summary>Persistence for delegated keys. It only ever sees private keys already encrypted by the vault.</summary>
public interface IDelegatedKeyStore
{
    /// <summary>Inserts or replaces the user's key.</summary>
    Task PutAsync(DelegatedKeyRecord record, CancellationToken cancellationToken);

    Task<DelegatedKeyRecord?> GetAsync(ChatUserId user, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(ChatUserId user, CancellationToken cancellationToken);
}

/// <summary>A stored key: the link, the public key line, and the private key as the data protector sealed it.</summary>
public sealed record DelegatedKeyRecord(
    ChatUserId User,
    ClusterUser Login,
    string PublicKey,
    byte[] ProtectedPrivateKey,
    DateTimeOffset CreatedAt);
