using System.ComponentModel.DataAnnotations;

namespace CondoBot.Core.Audit;

/// <summary><c>Audit__...</c>: how long the audit trail is kept.</summary>
public sealed class AuditOptions
{
    /// <summary>Entries older than this are deleted (checked at start-up and every <see cref="PruneEvery"/>).</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00", ErrorMessage = "Audit__MaxAge must be between 1 day and 3650 days (d.hh:mm:ss).")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(90);

    public static readonly TimeSpan PruneEvery = TimeSpan.FromHours(6);
}
