using System.Text.Json;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;

namespace CondoBot.Core.Tests.Fakes;

/// <summary>
/// Sessions and outbox in memory. Sessions are copied through JSON so tests see only what was saved. Steps recorded
/// with a session are kept in <see cref="HandedOver"/> and, like the host's pump, queued on <see cref="HandOverTo"/>.
/// </summary>
internal sealed class InMemoryStore : ISessionStore, INoticeOutbox
{
    private readonly Dictionary<SessionId, string> _sessions = [];
    private readonly List<PendingNotice> _outbox = [];
    private readonly Dictionary<long, DateTimeOffset> _due = [];
    private long _sequence;

    public List<Notice> Sent { get; } = [];

    public List<SessionStep> HandedOver { get; } = [];

    public ISessionWork? HandOverTo { get; set; }

    public IReadOnlyList<Notice> Queued => _outbox.Select(p => p.Notice).ToList();

    public Task AddAsync(Session session, CancellationToken cancellationToken)
    {
        _sessions.Add(session.Id, JsonSerializer.Serialize(session));
        HandOver(session);
        return Task.CompletedTask;
    }

    public Task<bool> TryAddAsync(Session session, CancellationToken cancellationToken)
    {
        if (!_sessions.TryAdd(session.Id, JsonSerializer.Serialize(session))) return Task.FromResult(false);
        HandOver(session);
        return Task.FromResult(true);
    }

    public async Task SaveAndHandOverAsync(Session session, CancellationToken cancellationToken)
    {
        await SaveAsync(session, [], cancellationToken);
        HandOver(session);
    }

    private void HandOver(Session session)
    {
        var step = SessionStep.For(session);
        HandedOver.Add(step);
        if (HandOverTo is { } work) step.QueueOn(work);
    }

    public Task<IReadOnlyList<Session>> ListActiveAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Session>>(_sessions.Values.Select(j => JsonSerializer.Deserialize<Session>(j)!)
            .Where(s => s.State != SessionState.Ended).ToList());

    public Task<Session?> GetAsync(SessionId id, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.TryGetValue(id, out var json) ? JsonSerializer.Deserialize<Session>(json) : null);

    public Session Get(SessionId id) => JsonSerializer.Deserialize<Session>(_sessions[id])!;

    public Task<IReadOnlyList<Session>> ListAsync(ChatUserId owner, DateTimeOffset endedSince, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Session>>(_sessions.Values
            .Select(j => JsonSerializer.Deserialize<Session>(j)!)
            .Where(s => s.Owner == owner && (s.State != SessionState.Ended || s.EndedAt >= endedSince))
            .OrderByDescending(s => s.CreatedAt)
            .ToList());

    public Task SaveAsync(Session session, IReadOnlyList<Notice> notices, CancellationToken cancellationToken)
    {
        if (Get(session.Id).Version != session.Version) throw new SessionConflictException(session.Id);
        session.Version++;
        _sessions[session.Id] = JsonSerializer.Serialize(session);
        foreach (var notice in notices) Enqueue(notice);
        return Task.CompletedTask;
    }

    public Task AddAsync(Notice notice, CancellationToken cancellationToken)
    {
        Enqueue(notice);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PendingNotice>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PendingNotice>>(_outbox.Where(p => _due[p.Sequence] <= now).Take(max).ToList());

    public Task CompleteAsync(long sequence, CancellationToken cancellationToken)
    {
        var done = _outbox.Single(p => p.Sequence == sequence);
        _outbox.Remove(done);
        Sent.Add(done.Notice);
        return Task.CompletedTask;
    }

    public Task PostponeAsync(long sequence, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var index = _outbox.FindIndex(p => p.Sequence == sequence);
        _outbox[index] = _outbox[index] with { Attempts = _outbox[index].Attempts + 1 };
        _due[sequence] = until;
        return Task.CompletedTask;
    }

    private void Enqueue(Notice notice)
    {
        var seq = ++_sequence;
        _outbox.Add(new PendingNotice(seq, notice, 0));
        _due[seq] = DateTimeOffset.MinValue;
    }
}
