using CondoBot.Core.Diagnostics;
using CondoBot.Core.Notices;
using CondoBot.Teams.Tests.Fakes;
using CondoBot.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CondoBot.Teams.Tests;

/// <summary>The Connector client counts each call by method, and each failure by method and the Connector's error.</summary>
public sealed class ChatApiMetricsTests : IAsyncLifetime
{
    private const string Calls = "condobot.chat_api.calls";
    private const string Errors = "condobot.chat_api.errors";
    private ConnectorRig _rig = null!;
    private CounterRecorder _counters = null!;

    public async Task InitializeAsync()
    {
        _rig = await ConnectorRig.StartAsync();
        _counters = new CounterRecorder(_rig.Services.GetRequiredService<CondoBotMetrics>());
    }

    public async Task DisposeAsync()
    {
        _counters.Dispose();
        await _rig.DisposeAsync();
    }

    [Fact]
    public async Task ADeliveredMessage_CountsASendActivityCall_AndNoError()
    {
        var to = await _rig.KnownPersonAsync(TestPerson.New(), inPersonalChat: true);

        Assert.Equal(Delivery.Done, await _rig.Notifier.DeliverAsync(new TextNotice(to, "hello"), CancellationToken.None));

        Assert.Equal(1, _counters.Total(Calls, ("method", "send_activity"), ("platform", "teams")));
        Assert.Equal(0, _counters.Total(Errors));
    }

    [Fact]
    public async Task ARefusal_CountsAnErrorWithTheMethodAndTheConnectorsCode_AndAnOutageWithItsStatus()
    {
        var to = await _rig.KnownPersonAsync(TestPerson.New(), inPersonalChat: true);
        _rig.Bot.Answer(403, "MessageWritesBlocked");
        await _rig.Notifier.DeliverAsync(new TextNotice(to, "hello"), CancellationToken.None);
        _rig.Bot.Answer(503);
        await _rig.Notifier.DeliverAsync(new TextNotice(to, "hello"), CancellationToken.None);

        Assert.Equal(1, _counters.Total(Errors, ("error", "MessageWritesBlocked"), ("method", "send_activity"), ("platform", "teams")));
        Assert.Equal(1, _counters.Total(Errors, ("error", "http_503"), ("method", "send_activity"), ("platform", "teams")));
    }
}
