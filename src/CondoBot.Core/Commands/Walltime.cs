using System.Globalization;

namespace CondoBot.Core.Commands;

/// <summary>A job's time limit in one of the forms Slurm's <c>-t</c> accepts.</summary>
public readonly record struct Walltime
{
    public static readonly Walltime Default = new(TimeSpan.FromMinutes(30));
    public static readonly TimeSpan Longest = TimeSpan.FromDays(365);

    public const string AcceptedForms = "MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (for example 90, 1:30:00 or 1-12)";

    private Walltime(TimeSpan duration) => Duration = duration;

    public TimeSpan Duration { get; }

    public static Walltime FromTimeSpan(TimeSpan duration) =>
        duration > TimeSpan.Zero && duration <= Longest
            ? new Walltime(duration)
            : throw new ArgumentOutOfRangeException(nameof(duration), duration, "A walltime is positive and at most a year.");

    /// <summary>Parses Slurm's forms; answers null for anything else (no exception for user text).</summary>
    public static Walltime? Parse(string text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 16) return null;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        long days = 0;
        var clock = text;
        if (dash >= 0)
        {
            if (!TryNumber(text[..dash], out days)) return null;
            clock = text[(dash + 1)..];
        }

        var parts = clock.Split(':');
        var numbers = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryNumber(parts[i], out numbers[i])) return null;
        }

        TimeSpan duration;
        if (dash >= 0)
        {
            // D-HH, D-HH:MM, D-HH:MM:SS
            if (parts.Length > 3 || numbers[0] > 23 || numbers.Skip(1).Any(n => n > 59)) return null;
            duration = TimeSpan.FromDays(days) + TimeSpan.FromHours(numbers[0])
                + TimeSpan.FromMinutes(parts.Length > 1 ? numbers[1] : 0)
                + TimeSpan.FromSeconds(parts.Length > 2 ? numbers[2] : 0);
        }
        else
        {
            // MM, MM:SS, HH:MM:SS: the leading field may be large (Slurm reads 90 as 90 minutes).
            if (parts.Length > 3 || numbers.Skip(1).Any(n => n > 59)) return null;
            duration = parts.Length switch
            {
                1 => TimeSpan.FromMinutes(numbers[0]),
                2 => TimeSpan.FromMinutes(numbers[0]) + TimeSpan.FromSeconds(numbers[1]),
                _ => TimeSpan.FromHours(numbers[0]) + TimeSpan.FromMinutes(numbers[1]) + TimeSpan.FromSeconds(numbers[2]),
            };
        }

        return duration > TimeSpan.Zero && duration <= Longest ? new Walltime(duration) : null;
    }

    /// <summary>The canonical form handed to sbatch: <c>D-HH:MM:SS</c>, or <c>HH:MM:SS</c> under a day.</summary>
    public string ToSlurm()
    {
        var d = Duration;
        var clock = string.Create(CultureInfo.InvariantCulture, $"{d.Hours:00}:{d.Minutes:00}:{d.Seconds:00}");
        return d.Days > 0 ? string.Create(CultureInfo.InvariantCulture, $"{d.Days}-{clock}") : clock;
    }

    public override string ToString() => Durations.Describe(Duration);

    private static bool TryNumber(string text, out long value)
    {
        value = 0;
        if (text.Length is 0 or > 6) return false;
        foreach (var c in text)
        {
            if (c is < '0' or > '9') return false;
        }

        value = long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }
}
