using System.Globalization;

namespace CondoBot.Core;

/// <summary>Durations in the words people use in chat: "2 h 5 min", "45 s".</summary>
public static class Durations
{
    public static string Describe(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        var parts = new List<string>(3);
        if (span.Days > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Days} d"));
        if (span.Hours > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Hours} h"));
        if (span.Minutes > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Minutes} min"));
        if (parts.Count == 0 || (span.Seconds > 0 && span.TotalMinutes < 10))
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{span.Seconds} s"));
        }

        return string.Join(' ', parts);
    }
}
