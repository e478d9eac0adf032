using CondoBot.Core.Diagnostics;
using CondoBot.Core.Notices;
using CondoBot.Slack.Tests.Fakes;
using CondoBot.Testing;
using static CondoBot.Slack.Tests.Fakes.Notices;

namespace CondoBot.Slack.Tests;

/// <summary>The Web API client counts each call by method, and each failure by method and Slack's error.</summary>
public sealed class ChatApiMetricsTests : IAsyncLifetime
{
    private const string Calls = "condobot.chat_api.calls";
    private const string Errors = "condobot.chat_api.errors";
    private FakeSlack _slack = null!;
    private SlackServices _services = null!;
    private CounterRecorder _counters = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlack.StartAsync();
        _services = new SlackServices(_slack.ApiBaseUrl);
        _counters = new CounterRecorder(_services.Get<CondoBotMetrics>());
    }

    public async Task DisposeAsync()
    {
        _counters.Dispose();
        _services.Dispose();
        await _slack.DisposeAsync();
    }

    private Task<Delivery> SendAsync() => _services.Notifier.DeliverAsync(new TextNotice(To("U0METRICS"), "hello"), CancellationToken.None);

    [Fact]
    public async Task ADeliveredMessage_CountsOneCallPerMethod_AndNoError()
    {
        Assert.Equal(Delivery.Done, await SendAsync());

        Assert.Equal(1, _counters.Total(Calls, ("method", "conversations.open"), ("platform", "slack")));
        Assert.Equal(1, _counters.Total(Calls, ("method", "chat.postMessage"), ("platform", "slack")));
        Assert.Equal(0, _counters.Total(Errors));
    }

    [Fact]
    public async Task AnOkFalseAnswer_CountsAnErrorWithTheMethodAndSlacksErrorCode()
    {
        _slack.Script("chat.postMessage", new FakeAnswer.Error("channel_not_found"));

        await SendAsync();

        Assert.Equal(1, _counters.Total(Errors, ("error", "channel_not_found"), ("method", "chat.postMessage"), ("platform", "slack")));
        Assert.Equal(1, _counters.Total(Errors));
    }

    [Fact]
    public async Task AServerError_CountsAnHttpErrorForThatMethod_AndTheRetryAsASecondCall()
    {
        _slack.Script("chat.postMessage", new FakeAnswer.ServerError(500));

        Assert.Equal(Delivery.Done, await SendAsync());

        Assert.Equal(1, _counters.Total(Errors, ("error", "http_500"), ("method", "chat.postMessage"), ("platform", "slack")));
        Assert.Equal(2, _counters.Total(Calls, ("method", "chat.postMessage"), ("platform", "slack")));
    }
}
