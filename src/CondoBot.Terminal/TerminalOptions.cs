using System.ComponentModel.DataAnnotations;

namespace CondoBot.Terminal;

/// <summary><c>Terminal__...</c>: the console front door.</summary>
public sealed class TerminalOptions
{
    /// <summary>The chat user the console speaks as (the platform is "console").</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string User { get; set; } = "local";

    /// <summary>After stdin closes, how long to wait for sessions still on their way to ready or ended.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Where the service's own log goes while the console front door owns the screen; empty: standard error.
    /// </summary>
    public string LogFile { get; set; } = "";
}
