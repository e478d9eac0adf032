using System.Collections.Concurrent;
using CondoBot.Core;
using CondoBot.Core.Sessions;

namespace CondoBot.Slack.Tests.Fakes;

/// <summary>
/// Stands in for Hangfire in host tests: records the background steps a request queued, runs none. A command's
/// session step arrives through the host's hand-over pump just after the reply, so tests wait for it
/// (<see cref="WaitForAsync"/>).
/// </summary>
public sealed class RecordingWork : ISessionWork
{
    private readonly ConcurrentQueue<(string Step, SessionId? Session)> _steps = new();

    public IReadOnlyList<(string Step, SessionId? Session)> Steps => [.. _steps];

    public void Submit(SessionId session, TimeSpan delay = default) => _steps.Enqueue(("submit", session));

    public void Poll(SessionId session, int pollToken, TimeSpan delay) => _steps.Enqueue(("poll", session));

    public void Cancel(SessionId session, TimeSpan delay = default) => _steps.Enqueue(("cancel", session));

    public void SendTunnel(SessionId session) => _steps.Enqueue(("tunnel", session));

    public void Remind(SessionId session, TimeSpan before, DateTimeOffset endsAt, TimeSpan delay) => _steps.Enqueue(("remind", session));

    public void CheckKey(ChatUserId user) => _steps.Enqueue(("key", null));

    /// <summary>The steps matching <paramref name="match"/> once there is one, or a failure after ten seconds.</summary>
    public async Task<List<(string Step, SessionId? Session)>> WaitForAsync(Func<(string Step, SessionId? Session), bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var found = Steps.Where(match).ToList();
            if (found.Count > 0) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("No matching background step was queued within 10 s.");
            await Task.Delay(10);
        }
    }
}
