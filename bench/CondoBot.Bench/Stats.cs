using System.Globalization;

namespace CondoBot.Bench;

/// <summary>Order statistics of one measured series (nearest-rank percentiles: no interpolation between samples).</summary>
internal sealed record Stats(int Count, double Median, double P99, double Max)
{
    public static Stats Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) return new Stats(0, double.NaN, double.NaN, double.NaN);
        var sorted = samples.Order().ToArray();
        return new Stats(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.99), sorted[^1]);
    }

    private static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static string F(double value, int digits = 1) =>
        double.IsNaN(value) ? "n/a" : value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
