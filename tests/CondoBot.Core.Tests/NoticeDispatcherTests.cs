using CondoBot.Core.Notices;
using CondoBot.Core.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static CondoBot.Core.Tests.Fakes.CoreRig;

namespace CondoBot.Core.Tests;

public class NoticeDispatcherTests
{
    private readonly InMemoryStore _outbox = new();
    private readonly FlakyNotifier _notifier = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);

    private NoticeDispatcher Dispatcher => new(_outbox, [_notifier], _time, NullLogger<NoticeDispatcher>.Instance);

    [Fact]
    public async Task RunOnce_DeliversQueuedNoticesInOrder_AndRemovesThem()
    {
        await _outbox.AddAsync(new TextNotice(Alice, "one"), CancellationToken.None);
        await _outbox.AddAsync(new TextNotice(Alice, "two"), CancellationToken.None);

        await Dispatcher.RunOnceAsync(CancellationToken.None);

        Assert.Equal(["one", "two"], _notifier.Delivered);
        Assert.Empty(_outbox.Queued);
    }

    [Fact]
    public async Task RunOnce_WhenThePlatformFails_KeepsTheNoticeAndHoldsBackThatUsersLaterOnes()
    {
        await _outbox.AddAsync(new TextNotice(Alice, "ready"), CancellationToken.None);
        await _outbox.AddAsync(new TextNotice(Alice, "ended"), CancellationToken.None);
        await _outbox.AddAsync(new TextNotice(Bob, "for bob"), CancellationToken.None);
        _notifier.FailuresLeft = 1;

        await Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(["for bob"], _notifier.Delivered);

        _time.Advance(TimeSpan.FromSeconds(5));
        await Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(["for bob", "ready", "ended"], _notifier.Delivered);
        Assert.Empty(_outbox.Queued);
    }

    [Fact]
    public async Task RunOnce_KeepsANoticeForAPlatformThatDoesNotRunHere_WithoutBlockingOthers()
    {
        var elsewhere = new TextNotice(new ChatUserId("teams", "x"), "for the web service");
        await _outbox.AddAsync(elsewhere, CancellationToken.None);
        await _outbox.AddAsync(new TextNotice(Alice, "kept"), CancellationToken.None);

        await Dispatcher.RunOnceAsync(CancellationToken.None);

        Assert.Equal(["kept"], _notifier.Delivered);
        Assert.Equal([elsewhere], _outbox.Queued);
        Assert.Empty(await _outbox.DueAsync(_time.GetUtcNow().AddSeconds(30), 10, CancellationToken.None));
    }

    private sealed class FlakyNotifier : INotifier
    {
        public int FailuresLeft { get; set; }

        public List<string> Delivered { get; } = [];

        public string Platform => "test";

        public Task<Delivery> DeliverAsync(Notice notice, CancellationToken cancellationToken)
        {
            if (FailuresLeft > 0 && ((TextNotice)notice).To == Alice)
            {
                FailuresLeft--;
                return Task.FromResult(Delivery.Later("HTTP 500"));
            }

            Delivered.Add(((TextNotice)notice).Text);
            return Task.FromResult(Delivery.Done);
        }
    }
}
