namespace CondoBot.Core.Notices;

/// <summary>Slurm's pending reasons in plain words; unknown codes are shown as Slurm wrote them.</summary>
public static class PendingReasons
{
    public static string? Explain(string? reason) => reason?.Trim() switch
    {
        null or "" or "None" or "(null)" => null,
        "Priority" => "other jobs are ahead of it",
        "Resources" => "waiting for free nodes",
        "Dependency" => "waiting for the job before it",
        "DependencyNeverSatisfied" => "the job it depends on failed, so it will never start",
        "QOSMaxJobsPerUserLimit" or "AssocMaxJobsLimit" or "QOSMaxSubmitJobPerUserLimit" => "you already run as many jobs as you may",
        "ReqNodeNotAvail" or "ReqNodeNotAvail, Reserved for maintenance" => "the nodes it needs are unavailable",
        "PartitionTimeLimit" => "its walltime is over the partition's limit",
        "PartitionDown" or "PartitionInactive" => "the partition is down",
        "BeginTime" => "waiting for its start time",
        "JobHeldUser" => "held by you",
        "JobHeldAdmin" => "held by an administrator",
        "Reservation" => "waiting for a reservation",
        "BadConstraints" => "no node matches what it asks for",
        { } other => other,
    };
}
