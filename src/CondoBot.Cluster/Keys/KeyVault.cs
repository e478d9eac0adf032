using System.Text.RegularExpressions;
using CondoBot.Core;
using CondoBot.Core.Identity;
using Microsoft.AspNetCore.DataProtection;

namespace CondoBot.Cluster.Keys;

/// <summary>
/// Issues and keeps delegated keys. The private half is sealed with Data Protection before it reaches storage and is
/// unsealed only in memory, just before a login.
/// </summary>
public sealed partial class KeyVault(IDelegatedKeyStore store, IDataProtectionProvider protection, TimeProvider time) : IKeyVault
{
    private readonly IDataProtector _protector = protection.CreateProtector("CondoBot.DelegatedKeys.v1");

    public async Task<UserLink> IssueAsync(ChatUserId user, ClusterUser login, CancellationToken cancellationToken)
    {
        var pair = Ed25519KeyPair.Generate();
        var record = new DelegatedKeyRecord(user, login, pair.PublicKeyLine(Comment(user)), _protector.Protect(pair.Seed), time.GetUtcNow());
        await store.PutAsync(record, cancellationToken);
        KeyChanged?.Invoke(user);
        return ToLink(record);
    }

    public async Task<UserLink?> FindAsync(ChatUserId user, CancellationToken cancellationToken) =>
        await store.GetAsync(user, cancellationToken) is { } record ? ToLink(record) : null;

    public async Task<bool> RevokeAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        var revoked = await store.DeleteAsync(user, cancellationToken);
        KeyChanged?.Invoke(user);
        return revoked;
    }

    /// <summary>
    /// Raised after a user's key was replaced or revoked here, so nothing logged in with the old key (an open
    /// connection) keeps acting for them. Another replica's change is caught when the key is next read.
    /// </summary>
    public event Action<ChatUserId>? KeyChanged;

    /// <summary>The user's key, unsealed, for one login; null when they have none.</summary>
    internal async Task<Ed25519KeyPair?> UnsealAsync(ChatUserId user, CancellationToken cancellationToken) =>
        await store.GetAsync(user, cancellationToken) is { } record ? Ed25519KeyPair.FromSeed(_protector.Unprotect(record.ProtectedPrivateKey)) : null;

    /// <summary>Names the key in authorized_keys so the user can find (and delete) it; only characters safe in sed and shell.</summary>
    internal static string Comment(ChatUserId user) => "condobot-" + Unsafe().Replace($"{user.Platform}-{user.Id}", "_");

    private static UserLink ToLink(DelegatedKeyRecord record) => new(record.User, record.Login, record.PublicKey, record.CreatedAt);

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex Unsafe();
}
