using System.Diagnostics;
using CondoBot.Core;
using CondoBot.Core.Notices;
using CondoBot.Slack.Tests.Fakes;
using static CondoBot.Slack.Tests.Fakes.Notices;

namespace CondoBot.Slack.Tests;

/// <summary>
/// How Slack's answers become the core's delivery outcomes: a short rate limit or a blip is retried at once, a long
/// one goes back to the outbox with Slack's wait, errors nobody can fix drop the notice, the rest keep it queued; and
/// no token ever reaches the log.
/// </summary>
public sealed class SlackApiTests : IAsyncLifetime
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
    }

    private Task<Delivery> SendAsync() => _services.Notifier.DeliverAsync(new TextNotice(To(User), "hello"), CancellationToken.None);

    [Fact]
    public async Task AShortRateLimit_IsWaitedOut_AndTheMessageDelivered()
    {
        _slack.Script("chat.postMessage", new FakeAnswer.RateLimited(1));
        var watch = Stopwatch.StartNew();

        var delivery = await SendAsync();

        Assert.Equal(Delivery.Done, delivery);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"waited {watch.Elapsed}");
        Assert.Equal(2, _slack.CallsTo("chat.postMessage").Count);
    }

    [Fact]
    public async Task ALongRateLimit_GoesBackToTheOutbox_WithSlacksRetryAfter()
    {
        _slack.Script("chat.postMessage", new FakeAnswer.RateLimited(30));
        var watch = Stopwatch.StartNew();

        var delivery = await SendAsync();

        Assert.Equal(DeliveryOutcome.RetryLater, delivery.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(30), delivery.RetryAfter);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Single(_slack.CallsTo("chat.postMessage"));
    }

    [Fact]
    public async Task AServerErrorFollowedBySuccess_IsRetriedAtOnce()
    {
        _slack.Script("chat.postMessage", new FakeAnswer.ServerError(503));

        Assert.Equal(Delivery.Done, await SendAsync());
        Assert.Equal(2, _slack.CallsTo("chat.postMessage").Count);
    }

    [Fact]
    public async Task RepeatedServerErrors_GiveUpAfterThreeTries_AndKeepTheNoticeQueued()
    {
        _slack.Script("chat.postMessage", new FakeAnswer.ServerError(), new FakeAnswer.ServerError(502), new FakeAnswer.ServerError());

        var delivery = await SendAsync();

        Assert.Equal(DeliveryOutcome.RetryLater, delivery.Outcome);
        Assert.Equal(3, _slack.CallsTo("chat.postMessage").Count);
        Assert.Equal(Delivery.Done, await SendAsync());
    }

    [Theory]
    [InlineData("conversations.open", "user_not_found", DeliveryOutcome.Undeliverable)]
    [InlineData("conversations.open", "cannot_dm_bot", DeliveryOutcome.Undeliverable)]
    [InlineData("chat.postMessage", "invalid_blocks", DeliveryOutcome.Undeliverable)]
    [InlineData("chat.postMessage", "invalid_auth", DeliveryOutcome.RetryLater)]
    [InlineData("chat.postMessage", "token_revoked", DeliveryOutcome.RetryLater)]
    [InlineData("chat.postMessage", "channel_not_found", DeliveryOutcome.RetryLater)]
    [InlineData("chat.postMessage", "fatal_error", DeliveryOutcome.RetryLater)]
    public async Task AnOkFalseAnswer_IsNeverTakenForDelivered(string method, string error, DeliveryOutcome expected)
    {
        _slack.Script(method, new FakeAnswer.Error(error));

        var delivery = await SendAsync();

        Assert.Equal(expected, delivery.Outcome);
        Assert.Equal($"{method}: {error}", delivery.Detail);
        Assert.Contains(_services.Logs.Lines, l => l.Contains($"Slack {method} answered ok:false, error {error}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AStaleDmChannel_IsOpenedAfreshOnTheNextAttempt()
    {
        Assert.Equal(Delivery.Done, await SendAsync());
        _slack.Script("chat.postMessage", new FakeAnswer.Error("channel_not_found"));

        Assert.Equal(DeliveryOutcome.RetryLater, (await SendAsync()).Outcome);
        Assert.Equal(Delivery.Done, await SendAsync());

        Assert.Equal(2, _slack.CallsTo("conversations.open").Count);
    }

    [Fact]
    public async Task AnUnreachableSlack_KeepsTheNoticeQueued()
    {
        var closed = new Uri("http://127.0.0.1:" + ClosedPort() + "/api/");
        using var services = new SlackServices(closed);

        var delivery = await services.Notifier.DeliverAsync(new TextNotice(To(User), "hello"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryLater, delivery.Outcome);
        Assert.Contains(services.Logs.Lines, l => l.Contains("Slack conversations.open could not be reached", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoTokenOrJupyterTokenEverReachesTheLog_EvenWhenEverythingFails()
    {
        _slack.Script("conversations.open", new FakeAnswer.Error("invalid_auth"), new FakeAnswer.RateLimited(1), new FakeAnswer.ServerError());
        _slack.Script("chat.postMessage", new FakeAnswer.ServerError(), new FakeAnswer.Error("not_authed"));
        var id = SessionId.New();

        await _services.Notifier.DeliverAsync(Ready(User, id), CancellationToken.None);
        await _services.Notifier.DeliverAsync(Ready(User, id), CancellationToken.None);
        await _services.Notifier.DeliverAsync(Ready(User, id), CancellationToken.None);

        var log = _services.Logs.All;
        Assert.Contains("Slack conversations.open answered ok:false, error invalid_auth", log, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSlack.BotToken, log, StringComparison.Ordinal);
        Assert.DoesNotContain("fakebottoken", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, log, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
