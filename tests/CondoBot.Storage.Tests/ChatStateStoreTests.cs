using CondoBot.Storage.Tests.Rigs;

namespace CondoBot.Storage.Tests;

/// <summary>The chat state store, run once per provider (the subclasses at the end).</summary>
public abstract class ChatStateStoreTests(StoreRig rig) : StoreTests(rig)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task TryAdd_AcceptsAKeyOnce_SoARetriedRequestIsRecognised()
    {
        Assert.True(await ChatState.TryAddAsync("slack:req:1", "a", None));
        Assert.False(await ChatState.TryAddAsync("slack:req:1", "b", None));
        Assert.Equal("a", await ChatState.GetAsync("slack:req:1", None));
    }

    [Fact]
    public async Task Put_Replaces_Delete_Forgets_AndValuesSurviveAReopen()
    {
        await ChatState.PutAsync("k", "one", None);
        await ChatState.PutAsync("k", "two", None);
        await ChatState.PutAsync("gone", "x", None);
        await ChatState.DeleteAsync("gone", None);

        Reopen();

        Assert.Equal("two", await ChatState.GetAsync("k", None));
        Assert.Null(await ChatState.GetAsync("gone", None));
    }

    [Fact]
    public async Task Keys_ListsTheKeysWithAPrefix_InOrder_UpToTheLimit_TakingUnderscoreAndPercentLiterally()
    {
        foreach (var key in new[] { "home_due:T1:U2", "home_due:T1:U1", "home_due:T1:U3", "homeXdue:T1:U9", "home_du", "home%due:T1:U8" })
        {
            await ChatState.PutAsync(key, "1", None);
        }

        await ChatState.DeleteAsync("home_due:T1:U3", None);
        Reopen();

        Assert.Equal(["home_due:T1:U1", "home_due:T1:U2"], await ChatState.KeysAsync("home_due:", 10, None));
        Assert.Equal(["home_due:T1:U1"], await ChatState.KeysAsync("home_due:", 1, None));
        Assert.Empty(await ChatState.KeysAsync("nothing:", 10, None));
    }
}

public sealed class SqliteChatStateStoreTests() : ChatStateStoreTests(new SqliteRig());

public sealed class PostgresChatStateStoreTests() : ChatStateStoreTests(new PostgresRig());
