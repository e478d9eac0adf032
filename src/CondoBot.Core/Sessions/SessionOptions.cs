using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace CondoBot.Core.Sessions;

/// <summary><c>Sessions__...</c> settings.</summary>
public sealed class SessionOptions : IValidatableObject
{
    /// <summary>
    /// The fastest a session is checked: right after submission, and while its job runs but JupyterLab is not answering
    /// yet (the user is waiting for the ready message). A queued job backs off from here to <see cref="QueuedPollMax"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The slowest a job waiting in the queue is checked, once it has waited ten times this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan QueuedPollMax { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a ready session is checked (to notice its end).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RunningPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a ready session is checked from the moment its walltime runs out until Slurm reports its end (Slurm
    /// enforces time limits on its own cycle, up to about half a minute late), and while its job is completing: the
    /// ended notice then follows the end within this long. A ready session is first woken at its end time rather than
    /// on <see cref="RunningPollInterval"/>'s cycle.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan EndPollInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Whether each login with ready sessions is watched for their jobs' end markers over its kept SSH connection (a
    /// file test every 2 s on the login node, no Slurm command), so an end by JupyterLab's Shut Down or an outside
    /// scancel is told within seconds instead of on <see cref="RunningPollInterval"/>'s cycle. Off: the cycle alone.
    /// </summary>
    public bool EndWatch { get; set; } = true;

    /// <summary>How long a session may stay unreachable (login node down) before the user is told it was given up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long before the walltime ends each reminder is sent, comma-separated (<c>00:15:00,00:05:00</c>). A
    /// reminder longer than the session's whole walltime is skipped. Empty: no reminders.
    /// </summary>
    public string RemindBefore { get; set; } = "00:15:00,00:05:00";

    /// <summary>How long a job may wait in the queue before the user gets a hint (a shorter walltime, an idle partition).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan QueueHintAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The reminder offsets, longest first (checked at start-up; an unreadable entry is left out).</summary>
    public IReadOnlyList<TimeSpan> Reminders => ReminderEntries(RemindBefore)
        .Select(t => TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var offset) ? offset : TimeSpan.Zero)
        .Where(t => t > TimeSpan.Zero)
        .Distinct()
        .OrderDescending()
        .ToList();

    /// <summary>How long the login node may be unreachable before the user is told (once) that the bot keeps trying.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TellUnreachableAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How late a session's next background step may be before the watchdog queues it again (a step lost or stuck in
    /// the job queue, or retried after a long delay). A step that turns out to be merely slow runs twice, harmlessly.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan OverdueAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The same for a session still being submitted whose submission no step has claimed (its step lost before it ran,
    /// say). A submission whose claim ran out (its holder died) is queued again at once, and a live claim is left alone;
    /// see <see cref="SubmitLease"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SubmitOverdueAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a submission's claim lasts unless its step renews it (every third of this while it runs). A replica
    /// that dies while submitting holds the session up to this long (plus <see cref="WatchInterval"/>) before another
    /// takes over, after looking for a job the dead one may have submitted. Keep it well above the time a renewal
    /// takes to commit, and below a minute so a survivor carries on within one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:03", "00:10:00")]
    public TimeSpan SubmitLease { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often the watchdog looks for sessions whose next step is overdue.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long the owner has to answer the idle question (see <see cref="IdleWatch"/>) before an idle session is
    /// stopped; activity in JupyterLab meanwhile cancels the stop.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan IdleGrace { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long ended sessions stay in <c>status</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan ShowEndedFor { get; set; } = TimeSpan.FromHours(24);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in ReminderEntries(RemindBefore))
        {
            if (!TimeSpan.TryParse(entry, CultureInfo.InvariantCulture, out var offset) || offset <= TimeSpan.Zero || offset > TimeSpan.FromDays(30))
            {
                yield return new ValidationResult(
                    $"Sessions__RemindBefore: '{entry}' is not a reminder; write positive durations up to 30 days as [d.]hh:mm:ss, minutes and seconds below 60, comma-separated (00:15:00,00:05:00) or as a list (Sessions__RemindBefore__0, __1, ...); empty for none.",
                    [nameof(RemindBefore)]);
            }
        }

        if (QueuedPollMax < PollInterval)
        {
            yield return new ValidationResult(
                $"Sessions__QueuedPollMax ({QueuedPollMax:c}) must be at least Sessions__PollInterval ({PollInterval:c}): a queued job backs off from the one to the other.",
                [nameof(QueuedPollMax)]);
        }
    }

    private static string[] ReminderEntries(string setting) =>
        setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
