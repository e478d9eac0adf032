using CondoBot.Core.Sessions;

namespace CondoBot.Core.Tests.Fakes;

/// <summary>Records the steps a handler or step queued, so the test can run them when it chooses.</summary>
internal sealed class RecordingWork : ISessionWork
{
    public List<(string Step, SessionId? Session, int Token, TimeSpan Delay)> Steps { get; } = [];

    public void Submit(SessionId session, TimeSpan delay = default) => Steps.Add(("submit", session, 0, delay));

    public void Poll(SessionId session, int pollToken, TimeSpan delay) => Steps.Add(("poll", session, pollToken, delay));

    public void Cancel(SessionId session, TimeSpan delay = default) => Steps.Add(("cancel", session, 0, delay));

    public void SendTunnel(SessionId session) => Steps.Add(("tunnel", session, 0, TimeSpan.Zero));

    public List<(SessionId Session, TimeSpan Before, DateTimeOffset EndsAt, TimeSpan Delay)> Reminders { get; } = [];

    public void Remind(SessionId session, TimeSpan before, DateTimeOffset endsAt, TimeSpan delay) => Reminders.Add((session, before, endsAt, delay));

    public void CheckKey(ChatUserId user) => Steps.Add(("key", null, 0, TimeSpan.Zero));

    public (string Step, SessionId? Session, int Token, TimeSpan Delay) Last => Steps[^1];
}
