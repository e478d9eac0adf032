using CondoBot.Cluster.Keys;
using CondoBot.Core;
using CondoBot.Testing;
using Microsoft.AspNetCore.DataProtection;

namespace CondoBot.Cluster.Tests;

public class KeyVaultTests
{
    private static readonly ChatUserId User = new("slack", "T1:U1");
    private readonly MemoryKeyStore _store = new();
    private readonly KeyVault _vault;

    public KeyVaultTests() => _vault = new KeyVault(_store, new EphemeralDataProtectionProvider(), TimeProvider.System);

    [Fact]
    public async Task Issue_GivesAPublicKeyLineThatOpenSshAccepts()
    {
        var link = await _vault.IssueAsync(User, new ClusterUser("uid"), CancellationToken.None);

        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, link.PublicKey + "\n");
            var fingerprint = LocalCluster.Run("ssh-keygen", "-l", "-f", file);
            Assert.Matches(@"^256 SHA256:[A-Za-z0-9+/]{43} condobot-slack-T1_U1 \(ED25519\)\s*$", fingerprint);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Issue_StoresThePrivateKeySealed_NeverTheSeedItself()
    {
        await _vault.IssueAsync(User, new ClusterUser("uid"), CancellationToken.None);

        var stored = _store.Records[User].ProtectedPrivateKey;
        var seed = (await _vault.UnsealAsync(User, CancellationToken.None))!.Seed;
        Assert.Equal(32, seed.Length);
        Assert.True(stored.Length > seed.Length);
        Assert.False(stored.AsSpan().IndexOf(seed) >= 0, "the sealed key must not contain the raw seed");
    }

    [Fact]
    public async Task Issue_Again_ReplacesTheKey()
    {
        var first = await _vault.IssueAsync(User, new ClusterUser("uid"), CancellationToken.None);
        var second = await _vault.IssueAsync(User, new ClusterUser("uid2"), CancellationToken.None);

        Assert.NotEqual(first.PublicKey, second.PublicKey);
        Assert.Equal(new ClusterUser("uid2"), (await _vault.FindAsync(User, CancellationToken.None))!.Login);
    }

    [Fact]
    public async Task Revoke_ForgetsTheKey()
    {
        await _vault.IssueAsync(User, new ClusterUser("uid"), CancellationToken.None);

        Assert.True(await _vault.RevokeAsync(User, CancellationToken.None));
        Assert.Null(await _vault.FindAsync(User, CancellationToken.None));
        Assert.False(await _vault.RevokeAsync(User, CancellationToken.None));
    }

    [Fact]
    public async Task AKeySealedByAnotherKeyRing_CannotBeOpened()
    {
        await _vault.IssueAsync(User, new ClusterUser("uid"), CancellationToken.None);
        var stranger = new KeyVault(_store, new EphemeralDataProtectionProvider(), TimeProvider.System);

        await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => stranger.UnsealAsync(User, CancellationToken.None));
    }
}
