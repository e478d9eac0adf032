using System.Threading.RateLimiting;

namespace CondoBot.Host;

/// <summary>
/// Failed administrator sign-ins per source address: after <see cref="FailuresAllowed"/> in a
/// <see cref="Window"/>, the source is refused until the window ends. Behind a reverse proxy every request shares the
/// proxy's address, so a guesser there locks the administrator out for a minute rather than getting more guesses.
/// </summary>
internal sealed class SignInThrottle : IDisposable
{
    public const int FailuresAllowed = 5;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(source =>
        RateLimitPartition.GetFixedWindowLimiter(source, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = FailuresAllowed,
            Window = Window,
            QueueLimit = 0,
        }));

    public bool IsThrottled(string source) => _failures.GetStatistics(source) is { CurrentAvailablePermits: <= 0 };

    public void Failed(string source)
    {
        using var lease = _failures.AttemptAcquire(source);
    }

    public void Dispose() => _failures.Dispose();
}
