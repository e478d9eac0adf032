using CondoBot.Core.Notices;
using CondoBot.Slack.Tests.Fakes;

namespace CondoBot.Slack.Tests;

/// <summary>
/// Slack's Web API answers only 500s and 429s for a minute while messages pile up: afterwards every message arrives, in
/// order per person, none twice. The real outbox, dispatcher and Slack client against a fake Slack on loopback.
/// </summary>
public sealed class SlackOutageTests
{
    [Fact]
    public async Task AfterAMinuteOf500sAnd429s_EveryMessageIsDeliveredInOrder_NoneTwice()
    {
        await using var slack = await FakeSlack.StartAsync();
        await using var host = new SlackHost(slack);
        using var client = host.CreateClient();
        var outageEnds = DateTimeOffset.UtcNow.AddSeconds(60);
        slack.Outage(outageEnds);

        var outbox = host.Get<INoticeOutbox>();
        var people = new[] { "U0ALICE", "U0BOB" };
        for (var i = 1; i <= 10; i++)
        {
            foreach (var person in people)
            {
                await outbox.AddAsync(new TextNotice(SlackUser.Id(SignedRequests.Team, person), $"notice-{person}-{i:00}"), CancellationToken.None);
            }
        }

        await slack.WaitForCallAsync("chat.postMessage", c => c.Answer is not null && (c.Field("text") ?? "").Contains("notice-U0ALICE-10", StringComparison.Ordinal), TimeSpan.FromSeconds(180));
        await slack.WaitForCallAsync("chat.postMessage", c => c.Answer is not null && (c.Field("text") ?? "").Contains("notice-U0BOB-10", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        // The last deliveries are recorded a moment after Slack answered them: wait for the outbox to empty.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await outbox.DueAsync(DateTimeOffset.MaxValue, 100, CancellationToken.None)).Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);

        Assert.Contains(slack.Calls, c => c.FailedInOutage);
        var delivered = slack.CallsTo("chat.postMessage").Where(c => c.Answer is not null).ToList();
        foreach (var person in people)
        {
            var texts = delivered.Select(c => c.Field("text") ?? "").Where(t => t.Contains($"notice-{person}-", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(1, 10).Select(i => $"notice-{person}-{i:00}"), texts.Select(t => t[t.IndexOf("notice-", StringComparison.Ordinal)..].Trim()));
        }

        Assert.Empty(await outbox.DueAsync(DateTimeOffset.MaxValue, 100, CancellationToken.None));
        Assert.Empty(slack.Violations);
    }
}
