namespace CondoBot.Core.Sessions;

/// <summary>
/// Durable claims on sessions' submissions: before a submission step looks for its session's job and runs sbatch, it
/// takes the session's claim, and only the taker goes on. A claim is a lease: its holder renews it while it works, so
/// a claim that has run out belongs to a holder that died (or stalled), and may be taken over. Times are the callers'
/// clocks; replicas' clocks must agree to well within a lease.
/// </summary>
public interface ISubmissionClaims
{
    /// <summary>
    /// Takes the session's claim for <paramref name="holder"/> until <paramref name="until"/>, unless another holder's
    /// claim is still live at <paramref name="now"/>; answers whether it was taken.
    /// </summary>
    Task<bool> TryTakeAsync(SessionId session, Guid holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Extends the holder's claim; answers false when the claim is no longer the holder's.</summary>
    Task<bool> RenewAsync(SessionId session, Guid holder, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Gives the claim up, if it is still the holder's.</summary>
    Task ReleaseAsync(SessionId session, Guid holder, CancellationToken cancellationToken);

    /// <summary>
    /// The expiry of the session's claim on record, live or run out (compare it with the time); null when its
    /// submission was never claimed, or the claim was given up.
    /// </summary>
    Task<DateTimeOffset?> ClaimedUntilAsync(SessionId session, CancellationToken cancellationToken);

    /// <summary>
    /// The sessions whose claim on record had run out at <paramref name="now"/>: their holders died or stalled. May
    /// include sessions that are no longer being submitted; the caller looks.
    /// </summary>
    Task<IReadOnlyList<SessionId>> RunOutAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
