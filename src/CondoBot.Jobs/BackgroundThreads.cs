using CondoBot.Core.Diagnostics;
using Hangfire.Server;
using Hangfire.States;

namespace CondoBot.Jobs;

/// <summary>
/// Lowers the job queue's own threads below the threads that answer chat requests (<see cref="BackgroundPriority"/>):
/// each worker the first time it runs a step, and the scheduler the first time it moves a due step to the queue. Their
/// work is the job storage's transactions; the steps themselves leave the lowered thread at once
/// (<see cref="SessionSteps"/>). A global Hangfire filter; it changes no job.
/// </summary>
public sealed class BackgroundThreads : IServerFilter, IElectStateFilter
{
    public void OnPerforming(PerformingContext context) => BackgroundPriority.LowerThisThread();

    public void OnPerformed(PerformedContext context)
    {
    }

    /// <summary>Scheduled to enqueued is the scheduler's move alone; workers and the client make the others.</summary>
    public void OnStateElection(ElectStateContext context)
    {
        if (context.CurrentState == ScheduledState.StateName && context.CandidateState is EnqueuedState) BackgroundPriority.LowerThisThread();
    }
}
