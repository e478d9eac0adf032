using CondoBot.Core;
using CondoBot.Storage.Tests.Rigs;

namespace CondoBot.Storage.Tests;

/// <summary>Submission claims, run once per provider (the subclasses at the end).</summary>
public abstract class SubmissionClaimsTests(StoreRig rig) : StoreTests(rig)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly SessionId _session = SessionId.New();

    private DateTimeOffset Now => Time.GetUtcNow();

    [Fact]
    public async Task AClaim_IsTakenByOneHolder_AndRefusedToAnotherWhileItIsLive()
    {
        var first = Guid.NewGuid();

        Assert.True(await Claims.TryTakeAsync(_session, first, Now, Now + Lease, None));
        Assert.False(await Claims.TryTakeAsync(_session, Guid.NewGuid(), Now + Lease - TimeSpan.FromSeconds(1), Now + Lease * 2, None));
        Assert.Equal(Now + Lease, await Claims.ClaimedUntilAsync(_session, None));
    }

    [Fact]
    public async Task ManyHoldersAtOnce_ExactlyOneTakesTheClaim()
    {
        var attempts = Enumerable.Range(0, 16).Select(_ => Claims.TryTakeAsync(_session, Guid.NewGuid(), Now, Now + Lease, None));

        var taken = await Task.WhenAll(attempts);

        Assert.Single(taken, t => t);
    }

    [Fact]
    public async Task AClaimThatRanOut_MayBeTakenOver_AndItsOldHolderCanNoLongerRenewOrReleaseIt()
    {
        var dead = Guid.NewGuid();
        var survivor = Guid.NewGuid();
        await Claims.TryTakeAsync(_session, dead, Now, Now + Lease, None);

        Assert.True(await Claims.TryTakeAsync(_session, survivor, Now + Lease, Now + Lease * 2, None));
        Assert.False(await Claims.RenewAsync(_session, dead, Now + Lease * 3, None));
        await Claims.ReleaseAsync(_session, dead, None);

        Assert.Equal(Now + Lease * 2, await Claims.ClaimedUntilAsync(_session, None));
    }

    [Fact]
    public async Task ARenewedClaim_StaysLive_AndAReleasedOneIsFreeAtOnce_AndClaimsSurviveAReopen()
    {
        var holder = Guid.NewGuid();
        await Claims.TryTakeAsync(_session, holder, Now, Now + Lease, None);
        Assert.True(await Claims.RenewAsync(_session, holder, Now + Lease * 2, None));

        Reopen();

        Assert.False(await Claims.TryTakeAsync(_session, Guid.NewGuid(), Now + Lease, Now + Lease * 2, None));
        await Claims.ReleaseAsync(_session, holder, None);
        Assert.Null(await Claims.ClaimedUntilAsync(_session, None));
        Assert.True(await Claims.TryTakeAsync(_session, Guid.NewGuid(), Now, Now + Lease, None));
    }

    [Fact]
    public async Task RunOut_ListsTheActiveSessionsWhoseClaimHadRunOut_NotLiveOnesOrEndedSessions()
    {
        var ranOut = Samples.NewSession(Samples.Alice, Now);
        var live = Samples.NewSession(Samples.Alice, Now);
        var ended = Samples.NewSession(Samples.Bob, Now);
        foreach (var s in new[] { ranOut, live, ended }) await Sessions.AddAsync(s, None);
        await Claims.TryTakeAsync(ranOut.Id, Guid.NewGuid(), Now - Lease * 2, Now - Lease, None);
        await Claims.TryTakeAsync(live.Id, Guid.NewGuid(), Now, Now + Lease, None);
        await Claims.TryTakeAsync(ended.Id, Guid.NewGuid(), Now - Lease * 2, Now - Lease, None);
        ended.End(CondoBot.Core.Sessions.EndReason.Completed, null, Now);
        await Sessions.SaveAsync(ended, [], None);

        Assert.Equal([ranOut.Id], await Claims.RunOutAsync(Now, None));
        // At its expiry exactly, a claim counts as run out, as a take-over does.
        Assert.Equal(new HashSet<SessionId> { ranOut.Id, live.Id }, (await Claims.RunOutAsync(Now + Lease, None)).ToHashSet());
    }
}

public sealed class SqliteSubmissionClaimsTests() : SubmissionClaimsTests(new SqliteRig());

public sealed class PostgresSubmissionClaimsTests() : SubmissionClaimsTests(new PostgresRig());
