using CondoBot.Core;
using CondoBot.Core.Notices;
using CondoBot.Slack.Tests.Fakes;
using static CondoBot.Slack.Tests.Fakes.Notices;

namespace CondoBot.Slack.Tests;

/// <summary>
/// Slack notifies nobody of an edited message, so becoming ready and ending each post a short new message: a reply in
/// the status message's thread, broadcast to the DM, with no token in it; the status message is still redrawn.
/// </summary>
public sealed class MomentMessageTests : IAsyncLifetime
{
    private const string User = "U0BOB";
    private FakeSlack _slack = null!;
    private SlackServices _services = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlack.StartAsync();
        _services = new SlackServices(_slack.ApiBaseUrl);
    }

    public async Task DisposeAsync()
    {
        _services.Dispose();
        await _slack.DisposeAsync();
        Assert.Empty(_slack.Violations);
    }

    private Task<Delivery> DeliverAsync(Notice notice) => _services.Notifier.DeliverAsync(notice, CancellationToken.None);

    private List<SlackCall> Replies() => _slack.CallsTo("chat.postMessage").Where(c => c.ThreadTs is not null).ToList();

    [Fact]
    public async Task ReadyAndEnded_EachPostAReplyInTheStatusMessagesThread_BroadcastToTheDm_WithoutTheToken()
    {
        var id = SessionId.New();
        await DeliverAsync(Queued(User, id));
        await DeliverAsync(Starting(User, id));
        Assert.Empty(Replies());

        await DeliverAsync(Ready(User, id));
        await DeliverAsync(Ended(User, id));

        var status = Assert.Single(_slack.CallsTo("chat.postMessage"), c => c.ThreadTs is null);
        Assert.Equal(3, _slack.CallsTo("chat.update").Count);
        var replies = Replies();
        Assert.Equal(2, replies.Count);
        Assert.All(replies, r =>
        {
            Assert.Equal(status.Field("channel"), r.Field("channel"));
            Assert.Equal(status.AnswerTs, r.ThreadTs);
            Assert.True(r.Body["reply_broadcast"]!.GetValue<bool>());
            Assert.DoesNotContain(Token, r.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(Token, r.BlockText, StringComparison.Ordinal);
            Assert.DoesNotContain("token=", r.Text, StringComparison.Ordinal);
        });
        Assert.Equal("JupyterLab is ready on node001 (job 4242, 1 h 59 min left, until 14:00 UTC): the tunnel command and the link are in the status message.", replies[0].Text);
        Assert.Equal("Job 4242 has ended after 5 min: stopped by you.", replies[1].Text);
    }

    [Fact]
    public async Task AQuietEnd_RedrawsTheSessionsStatusMessage_ButPostsNoReply()
    {
        var id = SessionId.New();
        await DeliverAsync(Queued(User, id));

        var told = await DeliverAsync(Ended(User, id) with { Quiet = true });

        Assert.Equal(DeliveryOutcome.Delivered, told.Outcome);
        Assert.Single(_slack.CallsTo("chat.postMessage"));
        Assert.Contains(_slack.CallsTo("chat.update"), c => c.BlockText.Contains("has ended", StringComparison.Ordinal));
        Assert.Empty(Replies());
    }

    [Fact]
    public async Task AQuietEnd_OfASessionWithNoStatusMessage_PostsNothing()
    {
        var told = await DeliverAsync(Ended(User, SessionId.New()) with { Quiet = true });

        Assert.Equal(DeliveryOutcome.Delivered, told.Outcome);
        Assert.Empty(_slack.CallsTo("chat.postMessage"));
        Assert.Empty(_slack.CallsTo("chat.update"));
    }

    [Fact]
    public async Task ASessionReadyFromItsFirstNotice_PostsItsStatusMessage_ThenTheReplyUnderIt()
    {
        var id = SessionId.New();

        await DeliverAsync(Ready(User, id));

        var posts = _slack.CallsTo("chat.postMessage");
        Assert.Equal(2, posts.Count);
        Assert.Null(posts[0].ThreadTs);
        Assert.Equal(posts[0].AnswerTs, posts[1].ThreadTs);
    }

    [Fact]
    public async Task AReadyNoticeDeliveredAgain_RedrawsTheStatusMessage_ButPostsItsReplyOnce()
    {
        var id = SessionId.New();
        await DeliverAsync(Queued(User, id));

        await DeliverAsync(Ready(User, id));
        await DeliverAsync(Ready(User, id));

        Assert.Equal(2, _slack.CallsTo("chat.update").Count);
        Assert.Single(Replies());
    }

    [Fact]
    public async Task AReplySlackCannotTakeNow_LeavesTheNoticeToRetry_AndTheRetryPostsIt()
    {
        var id = SessionId.New();
        await DeliverAsync(Queued(User, id));
        _slack.Script("chat.postMessage", new FakeAnswer.RateLimited(30));

        var first = await DeliverAsync(Ended(User, id));
        var retried = await DeliverAsync(Ended(User, id));

        Assert.Equal(DeliveryOutcome.RetryLater, first.Outcome);
        Assert.Equal(Delivery.Done, retried);
        Assert.Single(Replies(), r => r.Answer is not null);
    }
}
