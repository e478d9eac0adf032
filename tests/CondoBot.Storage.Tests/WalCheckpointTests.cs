namespace CondoBot.Storage.Tests;

/// <summary>
/// The write-ahead log is copied into the file by the checkpoint thread, beside the commits: SQLite's own checkpoint
/// (inside the commit that passes 1000 pages) is off, so without that thread the file would never take in the log.
/// </summary>
public sealed class WalCheckpointTests : StorageTest
{
    [Fact]
    public async Task Commits_far_below_SQLites_own_threshold_reach_the_file_itself_soon_after_by_a_checkpoint_of_their_own()
    {
        await Database.WriteAsync(c => c.Execute("CREATE TABLE filler (data BLOB NOT NULL)"));
        var fileBefore = new FileInfo(DatabasePath).Length;
        var checkpointsBefore = Database.Checkpoints;

        // About 1 MiB in 64 commits: some 250 pages, a quarter of what would make SQLite checkpoint by itself.
        for (var i = 0; i < 64; i++)
        {
            await Database.WriteAsync(c => c.Execute("INSERT INTO filler (data) VALUES (randomblob(16384))"));
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (new FileInfo(DatabasePath).Length < fileBefore + (1 << 20) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(new FileInfo(DatabasePath).Length >= fileBefore + (1 << 20),
            $"the file grew from {fileBefore} to {new FileInfo(DatabasePath).Length} bytes; the log was not copied into it");
        // Batched: 64 commits in quick succession take a few checkpoints, not one each.
        Assert.InRange(Database.Checkpoints - checkpointsBefore, 1, 16);
    }

    [Fact]
    public async Task A_steady_stream_of_commits_does_not_grow_the_log_without_bound()
    {
        await Database.WriteAsync(c => c.Execute("CREATE TABLE filler (data BLOB NOT NULL)"));
        var log = DatabasePath + "-wal";
        long largest = 0;

        // Four writers, each committing as soon as the last commit is answered: about 64 MiB through the log, four times
        // its bound, with no pause for a checkpoint beside them to catch up in.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 1024; i++)
            {
                await Database.WriteAsync(c => c.Execute("INSERT INTO filler (data) VALUES (randomblob(16384))"));
                var size = File.Exists(log) ? new FileInfo(log).Length : 0;
                InterlockedMax(ref largest, size);
            }
        })));

        // The bound in pages, with room for the batch that crosses it.
        Assert.InRange(largest, 0, (WalCheckpoints.LogBound + 2048) * 4096L);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while ((seen = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
