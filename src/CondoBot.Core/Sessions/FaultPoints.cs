namespace CondoBot.Core.Sessions;

/// <summary>
/// Named moments in a session's steps where a crash would be most awkward (after sbatch answered but before the job id
/// was saved, say). Does nothing in production; the restart tests arm one point to kill the service exactly there.
/// </summary>
public class FaultPoints
{
    public static readonly FaultPoints None = new();

    public const string AfterSbatch = "after-sbatch";
    public const string BeforeSbatch = "before-sbatch";
    public const string AfterSubmissionQueued = "after-submission-queued";

    /// <summary>A command has been answered and its step recorded, but nothing is on the job queue yet.</summary>
    public const string BeforeHandOver = "before-hand-over";
    public const string BeforeReminderSaved = "before-reminder-saved";
    public const string BeforeReadySaved = "before-ready-saved";

    public virtual void Reached(string point)
    {
    }
}
