using System.Diagnostics.Metrics;
using Hangfire.Client;
using Hangfire.States;
using Hangfire.Storage;

namespace CondoBot.Jobs;

/// <summary>
/// What the job queue's storage is asked to do, on the meter <see cref="MeterName"/>: jobs created and state changes
/// applied (each a transaction in Hangfire's own storage). A global Hangfire filter; it changes no job.
/// </summary>
public sealed class JobQueueMetrics : IClientFilter, IApplyStateFilter
{
    public const string MeterName = "CondoBot.Jobs";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Created = Meter.CreateCounter<long>(
        "condobot.jobs.created", description: "Jobs created on the job queue (queued or scheduled)");

    private static readonly Counter<long> StateChanges = Meter.CreateCounter<long>(
        "condobot.jobs.state_changes", description: "Job state changes applied in the job queue's storage");

    public void OnCreating(CreatingContext context)
    {
    }

    public void OnCreated(CreatedContext context)
    {
        if (context.BackgroundJob is not null) Created.Add(1);
    }

    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction) => StateChanges.Add(1);

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }
}
