namespace CondoBot.Core.Notices;

/// <summary>The people seam: one implementation per chat platform, chosen by the notice's <c>To.Platform</c>.</summary>
public interface INotifier
{
    string Platform { get; }

    Task<Delivery> DeliverAsync(Notice notice, CancellationToken cancellationToken);
}

/// <summary>How a delivery attempt went.</summary>
public sealed record Delivery(DeliveryOutcome Outcome, string? Detail = null, TimeSpan? RetryAfter = null)
{
    public static readonly Delivery Done = new(DeliveryOutcome.Delivered);

    public static Delivery Later(string detail, TimeSpan? after = null) => new(DeliveryOutcome.RetryLater, detail, after);

    public static Delivery Never(string detail) => new(DeliveryOutcome.Undeliverable, detail);
}

public enum DeliveryOutcome
{
    Delivered,
    /// <summary>A passing failure (rate limit, outage): the notice stays queued and is tried again.</summary>
    RetryLater,
    /// <summary>It can never be delivered (the user removed the app): logged and dropped.</summary>
    Undeliverable,
}
