using System.ComponentModel.DataAnnotations;

namespace CondoBot.Host;

/// <summary><c>Jobs__...</c>: the background job queue (Hangfire).</summary>
public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>
    /// How long a step killed mid-run waits before it is handed out again. It must exceed the longest step (two SSH
    /// time-outs), or a slow step could run twice at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00", ErrorMessage = "Jobs__InvisibilityTimeout must be between 00:00:10 and 1.00:00:00.")]
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
