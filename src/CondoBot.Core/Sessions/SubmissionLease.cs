namespace CondoBot.Core.Sessions;

/// <summary>
/// A submission claim held by one step (see <see cref="ISubmissionClaims"/>), renewed every third of its length for as
/// long as the step runs and given up when it ends. A holder that dies stops renewing, so its claim runs out within
/// one length and another step may take over, after looking for the job this holder may have submitted.
/// </summary>
public sealed class SubmissionLease : IAsyncDisposable
{
    private readonly ISubmissionClaims _claims;
    private readonly SessionId _session;
    private readonly Guid _holder = Guid.NewGuid();
    private readonly TimeSpan _length;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private Task _renewing = Task.CompletedTask;
    private long _heldUntil;

    private SubmissionLease(ISubmissionClaims claims, SessionId session, TimeSpan length, TimeProvider time)
    {
        _claims = claims;
        _session = session;
        _length = length;
        _time = time;
    }

    /// <summary>Takes the session's claim; null when another step holds it.</summary>
    public static async Task<SubmissionLease?> TryTakeAsync(
        ISubmissionClaims claims, SessionId session, TimeSpan length, TimeProvider time, CancellationToken cancellationToken)
    {
        var lease = new SubmissionLease(claims, session, length, time);
        var now = time.GetUtcNow();
        if (!await claims.TryTakeAsync(session, lease._holder, now, now + length, cancellationToken))
        {
            lease._stop.Dispose();
            return null;
        }

        lease.HeldUntil = now + length;
        lease._renewing = lease.RenewAsync();
        return lease;
    }

    /// <summary>
    /// Whether the claim is certainly still this step's: the last expiry the store confirmed is ahead. A step checks
    /// this before sbatch, so one that stalled past its lease (and may have been taken over) does not submit.
    /// </summary>
    public bool IsHeld => _time.GetUtcNow() < HeldUntil;

    private DateTimeOffset HeldUntil
    {
        get => new(Interlocked.Read(ref _heldUntil), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _heldUntil, value.UtcTicks);
    }

    private async Task RenewAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(_length / 3, _time, _stop.Token);
                var until = _time.GetUtcNow() + _length;
                try
                {
                    if (!await _claims.RenewAsync(_session, _holder, until, _stop.Token)) return;
                    HeldUntil = until;
                }
#pragma warning disable CA1031 // The store briefly unreachable: try again next round; IsHeld runs out if it stays away.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The step ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        _stop.Dispose();
        await _claims.ReleaseAsync(_session, _holder, CancellationToken.None);
    }
}
