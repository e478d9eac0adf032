using System.ComponentModel.DataAnnotations;

namespace CondoBot.Core.Sessions;

/// <summary><c>Sessions__...</c> settings.</summary>
public sealed class SessionOptions
{
    /// <summary>How often a queued or starting session is checked.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a ready session is checked (to notice its end).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RunningPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a session may stay unreachable (login node down) before the user is told it was given up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long ended sessions stay in <c>status</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan ShowEndedFor { get; set; } = TimeSpan.FromHours(24);
}
