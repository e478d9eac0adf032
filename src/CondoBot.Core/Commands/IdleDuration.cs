using System.Globalization;

namespace CondoBot.Core.Commands;

/// <summary>
/// A duration for <c>start --idle</c> and <c>keep</c>: any walltime form, or a number with a unit (<c>45s</c>,
/// <c>30m</c>, <c>2h</c>, <c>1d</c>), as people write it in chat. Positive and at most a year.
/// </summary>
public static class IdleDuration
{
    public const string AcceptedForms = "a number with s, m, h or d (such as 30m or 2h), or a walltime form: " + Walltime.AcceptedForms;

    /// <summary>The duration; null for anything else, zero included (no exception for user text).</summary>
    public static TimeSpan? Parse(string text)
    {
        if (Walltime.Parse(text) is { } walltime) return walltime.Duration;
        if (text.Length is < 2 or > 8) return null;
        var (digits, unit) = text.EndsWith("min", StringComparison.OrdinalIgnoreCase)
            ? (text[..^3], TimeSpan.FromMinutes(1))
            : (text[..^1], char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(1),
                'm' => TimeSpan.FromMinutes(1),
                'h' => TimeSpan.FromHours(1),
                'd' => TimeSpan.FromDays(1),
                _ => TimeSpan.Zero,
            });
        if (unit == TimeSpan.Zero || digits.Length is 0 or > 6 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
        var duration = unit * n;
        return duration > TimeSpan.Zero && duration <= Walltime.Longest ? duration : null;
    }
}
