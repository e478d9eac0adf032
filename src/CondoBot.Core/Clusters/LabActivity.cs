namespace CondoBot.Core.Clusters;

/// <summary>
/// What JupyterLab said of its own activity when the job last asked it (<c>/api/status</c> and <c>/api/kernels</c>, on
/// the node, every half minute or so): the last time anything happened in it, open connections, and kernels running
/// code. A busy kernel is a cell still running, so it counts as activity however long ago <see cref="LastActivity"/> is.
/// </summary>
public sealed record LabActivity(DateTimeOffset LastActivity, int Connections, int BusyKernels, int Kernels, DateTimeOffset CheckedAt)
{
    /// <summary>When the lab was last active as of <paramref name="now"/>: now while a kernel is busy.</summary>
    public DateTimeOffset ActiveAt(DateTimeOffset now) => BusyKernels > 0 ? now : LastActivity;
}
