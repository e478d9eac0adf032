using System.Globalization;

namespace CondoBot.Core.Sessions;

/// <summary>
/// What a session took from the allocation, from Slurm's own start and end times (or now, while it runs) and the
/// nodes it was given: node-hours, GPU-hours when GPUs were asked for, and the walltime it left unspent.
/// </summary>
public sealed record SessionUsage(TimeSpan Elapsed, int Nodes, int GpusPerNode, TimeSpan Walltime)
{
    public double NodeHours => Nodes * Elapsed.TotalHours;

    public double GpuHours => GpusPerNode * Nodes * Elapsed.TotalHours;

    /// <summary>
    /// The walltime not spent, when the session ended more than a minute early; null otherwise (a job that runs to its
    /// limit overruns it by a few seconds while Slurm stops it).
    /// </summary>
    public TimeSpan? Unspent => Walltime - Elapsed is var left && left > TimeSpan.FromMinutes(1) ? left : null;

    /// <summary>"1.03 node-hours" (two decimals), with GPU-hours after it when GPUs were asked for.</summary>
    public string Describe()
    {
        var text = Hours(NodeHours, "node");
        return GpusPerNode > 0 ? $"{text} and {Hours(GpuHours, "GPU")}" : text;
    }

    private static string Hours(double hours, string what) =>
        string.Create(CultureInfo.InvariantCulture, $"{hours:0.00} {what}-hour{(Math.Round(hours, 2) == 1 ? "" : "s")}");
}
