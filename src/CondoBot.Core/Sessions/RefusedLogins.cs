using System.Collections.Concurrent;
using CondoBot.Core.Clusters;

namespace CondoBot.Core.Sessions;

/// <summary>
/// Per-login back-off for refused keys. When a login node refuses a person's delegated key, every other session of
/// theirs submitted or polled with that key would be refused too, and each refusal costs a full SSH handshake and a
/// worker. A backlog of such sessions (thousands, after a restart) would otherwise keep every worker busy logging in to
/// be refused, and a new person's steps would wait behind them. So a refusal is remembered for
/// <see cref="Memory"/>, and the steps of that person's sessions created before it end with the same answer without
/// logging in. A session created after the refusal (the person fixed their key and started again) always tries, and any
/// login that succeeds for them forgets the refusal. Per process: another replica learns the same on its first try.
/// </summary>
public sealed class RefusedLogins(TimeProvider time)
{
    /// <summary>How long a refusal stands in for a login attempt.</summary>
    public static readonly TimeSpan Memory = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<Actor, (DateTimeOffset At, Problem Problem)> _refused = new();
    private readonly ConcurrentDictionary<Actor, byte> _accepted = new();

    public void Refused(Actor actor, Problem problem)
    {
        _accepted.TryRemove(actor, out _);
        _refused[actor] = (time.GetUtcNow(), problem);
    }

    public void Accepted(Actor actor)
    {
        _refused.TryRemove(actor, out _);
        _accepted[actor] = 0;
    }

    /// <summary>Whether a login node accepted this person's key since this process started (and has not refused it since).</summary>
    public bool IsProven(Actor actor) => _accepted.ContainsKey(actor);

    /// <summary>The refusal that answers for this session's next login, if a recent one does.</summary>
    public Problem? For(Session session)
    {
        if (!_refused.TryGetValue(session.Actor, out var refusal)) return null;
        if (time.GetUtcNow() - refusal.At >= Memory)
        {
            _refused.TryRemove(KeyValuePair.Create(session.Actor, refusal));
            return null;
        }

        return session.CreatedAt < refusal.At ? refusal.Problem : null;
    }
}
