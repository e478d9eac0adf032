using CondoBot.Core.Commands;

namespace CondoBot.Core.Clusters;

/// <summary>Everything needed to submit one session's job, every value already validated.</summary>
public sealed record JobRequest(
    SessionId Session,
    string Account,
    string Partition,
    int Nodes,
    Walltime Walltime,
    int NodePort)
{
    /// <summary>GPUs per node; 0 for none.</summary>
    public int Gpus { get; init; }

    /// <summary>A job this one waits for, whatever its outcome (<c>--dependency=afterany</c>); never <c>afterok</c>,
    /// whose dependants wait forever when the first job fails.</summary>
    public SlurmJobId? After { get; init; }

    /// <summary>The cluster environment the job runs in (built into the gate); empty: the cluster's own settings.</summary>
    public string Environment { get; init; } = "";

    /// <summary>
    /// For a follow-on: the session whose JupyterLab token this job takes over (the gate's <c>keep=</c>), so the URL
    /// the person has open stays good. Only with <see cref="After"/>.
    /// </summary>
    public SessionId? KeepTokenOf { get; init; }
}
