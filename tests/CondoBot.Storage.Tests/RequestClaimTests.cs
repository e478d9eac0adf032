using CondoBot.Core.Notices;

namespace CondoBot.Storage.Tests;

/// <summary>A request's guard key taken with the request's first write (SQLite's <see cref="SqliteChatStateStore.ClaimAsync"/>).</summary>
public sealed class RequestClaimTests : StorageTest
{
    private static readonly CancellationToken None = CancellationToken.None;

    private SqliteChatStateStore Chat => new(Database, Time);

    [Fact]
    public async Task AClaimedKey_IsStoredInTheRequestsFirstWrite_OneCommitForBoth()
    {
        var chat = Chat;
        var session = Samples.NewSession(Samples.Alice, Time.GetUtcNow());

        using var claim = await chat.ClaimAsync("slack:req:1", None);
        Assert.Null(await chat.GetAsync("slack:req:1", None));
        var before = Database.Commits;
        await Sessions.AddAsync(session, None);

        Assert.Equal(1, Database.Commits - before);
        Assert.Equal("", await chat.GetAsync("slack:req:1", None));
        Assert.True(claim.StoredWithRequest);
        await claim.EnsureTakenAsync(None);
        Assert.Equal(1, Database.Commits - before);
    }

    [Fact]
    public async Task AWriteCarryingAKeyTakenBefore_Fails_AndStoresNothing()
    {
        var chat = Chat;
        Assert.True(await chat.TryAddAsync("slack:req:2", "the first answer", None));
        var repeat = Samples.NewSession(Samples.Alice, Time.GetUtcNow());

        using var claim = await chat.ClaimAsync("slack:req:2", None);
        await Assert.ThrowsAsync<ChatStateKeyTakenException>(() => Sessions.AddAsync(repeat, None));

        Assert.Null(await Sessions.GetAsync(repeat.Id, None));
        Assert.False(claim.StoredWithRequest);
        Assert.Equal("the first answer", await chat.GetAsync("slack:req:2", None));
    }

    [Fact]
    public async Task AClaimNoWriteCarried_IsTakenWhenEnsured_AndRidesOnNoLaterWrite()
    {
        var chat = Chat;
        using (var claim = await chat.ClaimAsync("slack:req:3", None))
        {
            await claim.EnsureTakenAsync(None);
            Assert.Equal("", await chat.GetAsync("slack:req:3", None));
        }

        // A later write in the same flow no longer carries the key, so it does not fail on it.
        await Sessions.AddAsync(Samples.NewSession(Samples.Alice, Time.GetUtcNow()), None);
        await Assert.ThrowsAsync<ChatStateKeyTakenException>(async () =>
        {
            using var again = await chat.ClaimAsync("slack:req:3", None);
            await again.EnsureTakenAsync(None);
        });
    }
}
