using CondoBot.Core.Sessions;

namespace CondoBot.Core.Tests.Fakes;

/// <summary>Submission claims in memory, with the stores' rules: taken only when free or run out, renewed and released by their holder.</summary>
internal sealed class MemoryClaims : ISubmissionClaims
{
    private readonly Dictionary<SessionId, (Guid Holder, DateTimeOffset Until)> _claims = [];
    private readonly Lock _gate = new();

    public Task<bool> TryTakeAsync(SessionId session, Guid holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_claims.TryGetValue(session, out var held) && held.Until > now) return Task.FromResult(false);
            _claims[session] = (holder, until);
            return Task.FromResult(true);
        }
    }

    public Task<bool> RenewAsync(SessionId session, Guid holder, DateTimeOffset until, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_claims.TryGetValue(session, out var held) || held.Holder != holder) return Task.FromResult(false);
            _claims[session] = (holder, until);
            return Task.FromResult(true);
        }
    }

    public Task ReleaseAsync(SessionId session, Guid holder, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_claims.TryGetValue(session, out var held) && held.Holder == holder) _claims.Remove(session);
            return Task.CompletedTask;
        }
    }

    public Task<DateTimeOffset?> ClaimedUntilAsync(SessionId session, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_claims.TryGetValue(session, out var held) ? held.Until : (DateTimeOffset?)null);
        }
    }

    public Task<IReadOnlyList<SessionId>> RunOutAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<SessionId>>([.. _claims.Where(c => c.Value.Until <= now).Select(c => c.Key)]);
        }
    }

    /// <summary>A claim left by a holder that died, as found after a crash.</summary>
    public void LeftBy(SessionId session, DateTimeOffset until)
    {
        lock (_gate) _claims[session] = (Guid.NewGuid(), until);
    }
}
