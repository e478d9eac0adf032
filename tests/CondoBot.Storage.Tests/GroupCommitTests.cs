using SQLite;

namespace CondoBot.Storage.Tests;

/// <summary>
/// The SQLite writer: concurrent writes share commits, and nobody is answered before the commit that holds their write.
/// "Committed" is checked from a separate connection, as another process (or the bot after a restart) would see the file.
/// </summary>
public sealed class GroupCommitTests : StorageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WritesQueuedWhileACommitIsUnderWay_AreAnsweredOnlyOnceCommitted_AndShareOneCommit()
    {
        using var hold = new ManualResetEventSlim();
        var held = HoldTheCommitThread(hold);
        var before = Database.Commits;

        var writes = Enumerable.Range(0, 100).Select(i => Insert("k" + i)).ToList();
        await Task.Delay(200);
        Assert.DoesNotContain(writes, w => w.IsCompleted);
        Assert.Equal(0, CountFromAnotherConnection());

        hold.Set();
        await held.WaitAsync(Patience);
        foreach (var write in writes)
        {
            await write.WaitAsync(Patience);
        }

        Assert.Equal(101, CountFromAnotherConnection());
        // The held write's own commit, then at most one for the hundred queued behind it.
        Assert.InRange(Database.Commits - before, 1, 2);
    }

    [Fact]
    public async Task ManyConcurrentWriters_EachSeeTheirRowFromAnotherConnection_WhenAnswered()
    {
        var missing = 0;
        var writers = Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            await Insert("w" + i);
            using var other = new SQLiteConnection(DatabasePath, SQLiteOpenFlags.ReadOnly);
            if (other.ExecuteScalar<int>("SELECT COUNT(*) FROM chat_state WHERE key = ?", "w" + i) != 1) Interlocked.Increment(ref missing);
        }));

        await Task.WhenAll(writers).WaitAsync(Patience);

        Assert.Equal(0, missing);
        Assert.Equal(64, CountFromAnotherConnection());
    }

    [Fact]
    public async Task AWriteThatThrows_IsUndoneAlone_AndTheOthersInItsBatchAreKept()
    {
        using var hold = new ManualResetEventSlim();
        var held = HoldTheCommitThread(hold);
        var first = Insert("kept-1");
        var failing = Database.WriteAsync(c =>
        {
            c.Execute("INSERT INTO chat_state (key, value, updated_at) VALUES ('undone', '', 0)");
            throw new InvalidOperationException("this write fails after its insert");
        });
        var second = Insert("kept-2");

        hold.Set();
        await Task.WhenAll(held, first, second).WaitAsync(Patience);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);

        Assert.Equal("this write fails after its insert", error.Message);
        using var other = new SQLiteConnection(DatabasePath, SQLiteOpenFlags.ReadOnly);
        Assert.Equal(["held", "kept-1", "kept-2"], other.QueryScalars<string>("SELECT key FROM chat_state ORDER BY key"));
    }

    [Fact]
    public async Task WritesQueuedBeforeTheFileIsClosed_AreCommitted_AndLaterWritesAreRefused()
    {
        using var hold = new ManualResetEventSlim();
        var held = HoldTheCommitThread(hold);
        var queued = Insert("queued");

        var closing = Task.Run(Database.Dispose);
        hold.Set();
        await Task.WhenAll(held, queued, closing).WaitAsync(Patience);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => Database.WriteAsync(c => c.Execute("SELECT 1")));
        Assert.Equal(2, CountFromAnotherConnection());
    }

    /// <summary>Queues a write that blocks the commit thread inside its transaction until <paramref name="hold"/> is set.</summary>
    private Task HoldTheCommitThread(ManualResetEventSlim hold)
    {
        using var started = new ManualResetEventSlim();
        var held = Database.WriteAsync(c =>
        {
            c.Execute("INSERT INTO chat_state (key, value, updated_at) VALUES ('held', '', 0)");
            started.Set();
            hold.Wait(Patience);
        });
        Assert.True(started.Wait(Patience));
        return held;
    }

    private Task Insert(string key) =>
        Database.WriteAsync(c => c.Execute("INSERT INTO chat_state (key, value, updated_at) VALUES (?, '', 0)", key));

    private int CountFromAnotherConnection()
    {
        using var other = new SQLiteConnection(DatabasePath, SQLiteOpenFlags.ReadOnly);
        return other.ExecuteScalar<int>("SELECT COUNT(*) FROM chat_state");
    }
}
