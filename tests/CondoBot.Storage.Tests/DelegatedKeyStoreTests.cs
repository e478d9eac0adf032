using CondoBot.Storage.Tests.Rigs;
using CondoBot.Core;
using CondoBot.Core.Identity;

namespace CondoBot.Storage.Tests;

/// <summary>The delegated key store, run once per provider (the subclasses at the end).</summary>
public abstract class DelegatedKeyStoreTests(StoreRig rig) : StoreTests(rig)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task GetAsync_ReturnsTheKeyThatWasPut()
    {
        var record = Key(Samples.Alice, "alice", "ssh-ed25519 AAAA1 condobot-slack-U0ALICE", [1, 2, 3]);

        await Keys.PutAsync(record, None);

        AssertSame(record, await Keys.GetAsync(Samples.Alice, None));
        Assert.Null(await Keys.GetAsync(Samples.Bob, None));
    }

    [Fact]
    public async Task PutAsync_ReplacesTheUsersEarlierKey()
    {
        await Keys.PutAsync(Key(Samples.Alice, "alice", "ssh-ed25519 OLD", [1]), None);
        var replacement = Key(Samples.Alice, "alice2", "ssh-ed25519 NEW", [9, 9]) with { CreatedAt = Time.GetUtcNow().AddDays(1) };

        await Keys.PutAsync(replacement, None);

        AssertSame(replacement, await Keys.GetAsync(Samples.Alice, None));
    }

    [Fact]
    public async Task DeleteAsync_RemovesTheKey_AndAnswersWhetherThereWasOne()
    {
        await Keys.PutAsync(Key(Samples.Alice, "alice", "ssh-ed25519 A", [1]), None);
        await Keys.PutAsync(Key(Samples.Bob, "bob", "ssh-ed25519 B", [2]), None);

        Assert.True(await Keys.DeleteAsync(Samples.Alice, None));
        Assert.False(await Keys.DeleteAsync(Samples.Alice, None));

        Assert.Null(await Keys.GetAsync(Samples.Alice, None));
        Assert.NotNull(await Keys.GetAsync(Samples.Bob, None));
    }

    [Fact]
    public async Task Keys_SurviveARestart()
    {
        var record = Key(Samples.Alice, "alice", "ssh-ed25519 AAAA", [4, 5, 6]);
        await Keys.PutAsync(record, None);

        Reopen();

        AssertSame(record, await Keys.GetAsync(Samples.Alice, None));
    }

    private DelegatedKeyRecord Key(ChatUserId user, string login, string publicKey, byte[] sealedKey) =>
        new(user, new ClusterUser(login), publicKey, sealedKey, Time.GetUtcNow());

    private static void AssertSame(DelegatedKeyRecord expected, DelegatedKeyRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.User, actual.User);
        Assert.Equal(expected.Login, actual.Login);
        Assert.Equal(expected.PublicKey, actual.PublicKey);
        Assert.Equal(expected.ProtectedPrivateKey, actual.ProtectedPrivateKey);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
    }
}

public sealed class SqliteDelegatedKeyStoreTests() : DelegatedKeyStoreTests(new SqliteRig());

public sealed class PostgresDelegatedKeyStoreTests() : DelegatedKeyStoreTests(new PostgresRig());
