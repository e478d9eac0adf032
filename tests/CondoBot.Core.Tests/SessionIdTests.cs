namespace CondoBot.Core.Tests;

/// <summary>New session ids: unique, and in the order they were made, as the stores' indexes keyed by them rely on.</summary>
public sealed class SessionIdTests
{
    [Fact]
    public void New_ids_made_a_millisecond_or_more_apart_sort_as_text_in_the_order_they_were_made()
    {
        var made = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            made.Add(SessionId.New().ToString());
            Thread.Sleep(2);
        }

        Assert.Equal(made, made.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void New_ids_made_in_the_same_millisecond_are_still_all_different_and_read_back_as_themselves()
    {
        var made = Enumerable.Range(0, 10_000).Select(_ => SessionId.New()).ToList();

        Assert.Equal(made.Count, made.Distinct().Count());
        Assert.All(made, id => Assert.True(SessionId.TryParse(id.ToString(), out var read) && read == id));
    }
}
