using CondoBot.Core;
using CondoBot.Core.Notices;
using CondoBot.Slack.Messages;
using CondoBot.Slack.Tests.Fakes;
using static CondoBot.Slack.Tests.Fakes.Notices;

namespace CondoBot.Slack.Tests;

/// <summary>
/// What a Slack user sees in their DM: one status message per session, redrawn in place as it moves, with the tunnel
/// command and URL when ready; instructions and other notices as new messages.
/// </summary>
public sealed class StatusMessageTests : IAsyncLifetime
{
    private const string User = "U0ALICE";
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

    /// <summary>Messages of their own (status messages, instructions), not the short replies in a status message's thread.</summary>
    private List<SlackCall> OwnPosts() => _slack.CallsTo("chat.postMessage").Where(c => c.ThreadTs is null).ToList();

    [Fact]
    public async Task TheFirstUpdate_PostsTheStatusMessageInTheUsersDm_AndEveryLaterOneRedrawsThatSameMessage()
    {
        var id = SessionId.New();

        Assert.Equal(Delivery.Done, await DeliverAsync(Queued(User, id)));
        Assert.Equal(Delivery.Done, await DeliverAsync(Starting(User, id)));
        Assert.Equal(Delivery.Done, await DeliverAsync(Ready(User, id)));
        Assert.Equal(Delivery.Done, await DeliverAsync(Ended(User, id)));

        var open = Assert.Single(_slack.CallsTo("conversations.open"));
        Assert.Equal(User, open.Field("users"));
        var post = Assert.Single(OwnPosts());
        Assert.Equal("D" + User, post.Field("channel"));
        Assert.Contains("Job 4242 is queued on local (other jobs are ahead of it)", post.Text, StringComparison.Ordinal);
        Assert.Contains("*Job 4242 is queued* on local (other jobs are ahead of it)", post.BlockText, StringComparison.Ordinal);
        Assert.Equal([Buttons.Stop], post.Buttons.Select(b => b.ActionId));

        var updates = _slack.CallsTo("chat.update");
        Assert.Equal(3, updates.Count);
        Assert.All(updates, u => Assert.Equal((post.Field("channel"), "1700000000.000101"), (u.Field("channel"), u.Field("ts"))));
        Assert.Contains("*Job 4242 is starting* on node001", updates[0].BlockText, StringComparison.Ordinal);
        Assert.Contains("Job 4242 has ended after 5 min: stopped by you.", updates[2].BlockText, StringComparison.Ordinal);
        Assert.Empty(updates[2].Buttons);
    }

    [Fact]
    public async Task TheReadyMessage_ShowsTheTunnelCommandInACodeBlock_TheUrl_AndItsThreeButtons()
    {
        var id = SessionId.New();
        await DeliverAsync(Queued(User, id));

        await DeliverAsync(Ready(User, id));

        var ready = Assert.Single(_slack.CallsTo("chat.update"));
        var tunnel = Tunnel();
        Assert.Contains("*JupyterLab is ready* on node001 (job 4242, 1 h 59 min left, until 14:00 UTC)", ready.BlockText, StringComparison.Ordinal);
        Assert.Contains("```ssh -N -p 2222 -L 5959:node001:31337 condouser@login.example.org```", ready.BlockText, StringComparison.Ordinal);
        Assert.Contains("Then open http://localhost:5959/lab?token=" + Token, ready.BlockText, StringComparison.Ordinal);
        Assert.DoesNotContain(tunnel.Outside!, ready.BlockText, StringComparison.Ordinal);
        Assert.Contains("```" + tunnel.Inside + "```", ready.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, ready.Text, StringComparison.Ordinal);
        Assert.Contains("Then open the link in this message", ready.Text, StringComparison.Ordinal);
        Assert.Equal(
            [(Buttons.Stop, "4242", "Stop"), (Buttons.Outside, "4242", "Outside the lab network?"), (Buttons.SendAgain, "4242", "Send again")],
            ready.Buttons);
    }

    [Fact]
    public async Task WithoutAnExternalLoginHost_TheReadyMessageHasNoOutsideButton()
    {
        var id = SessionId.New();

        await DeliverAsync(Ready(User, id, external: ""));

        Assert.Equal([Buttons.Stop, Buttons.SendAgain], Assert.Single(OwnPosts()).Buttons.Select(b => b.ActionId));
    }

    [Fact]
    public async Task EachSessionHasItsOwnStatusMessage()
    {
        await DeliverAsync(Queued(User, SessionId.New()));
        await DeliverAsync(Queued(User, SessionId.New()));

        Assert.Equal(2, _slack.CallsTo("chat.postMessage").Count);
        Assert.Single(_slack.CallsTo("conversations.open"));
        Assert.Empty(_slack.CallsTo("chat.update"));
    }

    [Fact]
    public async Task TunnelAndTextNotices_ArriveAsNewMessages()
    {
        var id = SessionId.New();
        await DeliverAsync(Queued(User, id));

        await DeliverAsync(new TunnelNotice(To(User), View(id, Core.Sessions.SessionState.Ready, node: "node001"), Tunnel()));
        await DeliverAsync(new TextNotice(To(User), "Your key works: I logged in to login.example.org as condouser. <b>&</b>"));

        var posts = _slack.CallsTo("chat.postMessage");
        Assert.Equal(3, posts.Count);
        Assert.Contains("```" + Tunnel().Inside + "```", posts[1].BlockText, StringComparison.Ordinal);
        Assert.Contains("```" + Tunnel().Outside + "```", posts[1].BlockText, StringComparison.Ordinal);
        Assert.Equal("Your key works: I logged in to login.example.org as condouser. &lt;b&gt;&amp;&lt;/b&gt;", posts[2].Text);
        Assert.Empty(_slack.CallsTo("chat.update"));
    }

    [Fact]
    public async Task NoMessagesFallbackText_CarriesTheToken_WhichIsOnlyInItsBlocks()
    {
        var id = SessionId.New();
        await DeliverAsync(Queued(User, id));
        await DeliverAsync(Ready(User, id));
        var tunnel = new TunnelNotice(To(User), View(id, Core.Sessions.SessionState.Ready, node: "node001"), Tunnel());
        await DeliverAsync(tunnel);
        await _services.Get<Notifying.OutsideRequests>().RememberAsync(To(User), new SlurmJobId(4242), CancellationToken.None);
        await DeliverAsync(tunnel);

        var messages = _slack.Calls.Where(c => c.Method is "chat.postMessage" or "chat.update").ToList();
        Assert.Equal(5, messages.Count);
        Assert.All(messages, m => Assert.DoesNotContain(Token, m.Text, StringComparison.Ordinal));
        var replies = messages.Where(m => m.ThreadTs is not null).ToList();
        Assert.DoesNotContain(Token, Assert.Single(replies).BlockText, StringComparison.Ordinal);
        Assert.All(messages.Skip(1).Except(replies), m => Assert.Contains("token=" + Token, m.BlockText, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AfterOutsideWasPressed_TheInstructionsShowTheExternalLoginVariant_Once()
    {
        var id = SessionId.New();
        await _services.Get<Notifying.OutsideRequests>().RememberAsync(To(User), new SlurmJobId(4242), CancellationToken.None);
        var notice = new TunnelNotice(To(User), View(id, Core.Sessions.SessionState.Ready, node: "node001"), Tunnel());

        await DeliverAsync(notice);
        await DeliverAsync(notice);

        var posts = _slack.CallsTo("chat.postMessage");
        Assert.Contains("```ssh -N -J condouser@extlogin.example.org -p 2222 -L 5959:node001:31337 condouser@login.example.org```", posts[0].BlockText, StringComparison.Ordinal);
        Assert.Contains("If your ssh has no `-J`:\n1. On your computer: ssh -N -L 5959:localhost:31337 condouser@extlogin.example.org", posts[0].BlockText, StringComparison.Ordinal);
        Assert.DoesNotContain("Inside the lab network", posts[0].BlockText, StringComparison.Ordinal);
        Assert.Contains("Inside the lab network", posts[1].BlockText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStatusMessageThePersonDeleted_IsPostedAgain()
    {
        var id = SessionId.New();
        await DeliverAsync(Queued(User, id));
        _slack.Script("chat.update", new FakeAnswer.Error("message_not_found"));

        Assert.Equal(Delivery.Done, await DeliverAsync(Ready(User, id)));
        await DeliverAsync(Ended(User, id));

        Assert.Equal(2, OwnPosts().Count);
        var last = _slack.CallsTo("chat.update")[^1];
        Assert.Equal("1700000000.000102", last.Field("ts"));
    }

    [Fact]
    public async Task ANoticeForSomeoneWhoIsNotASlackUser_IsNeverSentToSlack()
    {
        var delivery = await DeliverAsync(new TextNotice(new ChatUserId("slack", "no-colon"), "hello"));

        Assert.Equal(DeliveryOutcome.Undeliverable, delivery.Outcome);
        Assert.Empty(_slack.Calls);
    }

    [Fact]
    public async Task NothingInAMessage_IsTakenForSlackMarkup()
    {
        var id = SessionId.New();
        await DeliverAsync(Queued(User, id));
        await DeliverAsync(Ready(User, id));
        await DeliverAsync(new TextNotice(To(User), "Slurm said: <none> & more"));

        Assert.All(_slack.Calls.Where(c => c.Method.StartsWith("chat.", StringComparison.Ordinal)), c =>
        {
            Assert.DoesNotContain('<', c.Text + c.BlockText);
            Assert.DoesNotContain('>', c.Text + c.BlockText);
        });
        Assert.Contains("File &gt; Shut Down", _slack.CallsTo("chat.update")[0].BlockText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryCall_CarriesTheBotToken_AsJson_WithTheFieldsSlackNeeds()
    {
        var id = SessionId.New();
        await DeliverAsync(Queued(User, id));
        await DeliverAsync(Ready(User, id));
        await DeliverAsync(new TextNotice(To(User), "hi"));

        Assert.Equal(5, _slack.Calls.Count);
        Assert.All(_slack.Calls, c =>
        {
            Assert.Equal("Bearer " + FakeSlack.BotToken, c.Authorization);
            Assert.Equal(FakeSlack.JsonContentType, c.ContentType);
        });
        Assert.All(_slack.Calls.Where(c => c.Method != "conversations.open"), c => Assert.NotEmpty(c.Text));
        Assert.Empty(_slack.Violations);
    }
}
