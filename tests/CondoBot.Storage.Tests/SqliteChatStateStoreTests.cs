using CondoBot.Storage;

namespace CondoBot.Storage.Tests;

public sealed class SqliteChatStateStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("condobot-state-").FullName;

    private string DbPath => Path.Combine(_dir, "condobot.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task TryAdd_AcceptsAKeyOnce_SoARetriedRequestIsRecognised()
    {
        using var db = new SqliteDatabase(DbPath);
        var store = new SqliteChatStateStore(db, TimeProvider.System);

        Assert.True(await store.TryAddAsync("slack:req:1", "a", CancellationToken.None));
        Assert.False(await store.TryAddAsync("slack:req:1", "b", CancellationToken.None));
        Assert.Equal("a", await store.GetAsync("slack:req:1", CancellationToken.None));
    }

    [Fact]
    public async Task Put_Replaces_Delete_Forgets_AndValuesSurviveAReopen()
    {
        using (var db = new SqliteDatabase(DbPath))
        {
            var store = new SqliteChatStateStore(db, TimeProvider.System);
            await store.PutAsync("k", "one", CancellationToken.None);
            await store.PutAsync("k", "two", CancellationToken.None);
            await store.PutAsync("gone", "x", CancellationToken.None);
            await store.DeleteAsync("gone", CancellationToken.None);
        }

        using var reopened = new SqliteDatabase(DbPath);
        var again = new SqliteChatStateStore(reopened, TimeProvider.System);
        Assert.Equal("two", await again.GetAsync("k", CancellationToken.None));
        Assert.Null(await again.GetAsync("gone", CancellationToken.None));
    }
}
