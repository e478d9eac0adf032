using System.Collections.Concurrent;
using CondoBot.Core;
using CondoBot.Core.Sessions;

namespace CondoBot.Slack.Tests.Fakes;

/// <summary>Stands in for Hangfire in host tests: records the background steps a request queued, runs none.</summary>
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
}
