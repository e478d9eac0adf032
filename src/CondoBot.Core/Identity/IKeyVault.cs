namespace CondoBot.Core.Identity;

/// <summary>
/// The delegated keys: one key pair per chat user, linked to one cluster login. Private keys never leave the vault
/// unencrypted except to log in.
/// </summary>
public interface IKeyVault
{
    /// <summary>Creates a fresh key pair for the user (replacing any earlier one) and links it to the login.</summary>
    Task<UserLink> IssueAsync(ChatUserId user, ClusterUser login, CancellationToken cancellationToken);

    Task<UserLink?> FindAsync(ChatUserId user, CancellationToken cancellationToken);

    /// <summary>Forgets the user's key and link; false when there was none.</summary>
    Task<bool> RevokeAsync(ChatUserId user, CancellationToken cancellationToken);
}

/// <summary>A chat user's link to a cluster login and the public half of their delegated key.</summary>
public sealed record UserLink(ChatUserId ChatUser, ClusterUser Login, string PublicKey, DateTimeOffset CreatedAt);
