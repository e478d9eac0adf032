using SessionOptions = CondoBot.Core.Sessions.SessionOptions;
using CondoBot.Core.Audit;
using CondoBot.Cluster.Ssh;
using CondoBot.Slack;
using CondoBot.Teams;
using CondoBot.Terminal;
using Microsoft.Extensions.Options;

namespace CondoBot.Host.Configuration;

/// <summary>
/// Reads every settings class once before the service starts, so that all bad settings are reported together, by the
/// names operators set them, instead of the first one surfacing as a stack trace.
/// </summary>
public static class SettingsCheck
{
    public static IReadOnlyList<string> Failures(IServiceProvider services)
    {
        var failures = new List<string>();
        Check<LogFormatOptions>(services, "Logging", failures);
        Check<StorageOptions>(services, StorageOptions.Section, failures);
        Check<KeyRing.KeyRingSettings>(services, KeyRing.KeyRingSettings.Section, failures);
        Check<SessionOptions>(services, "Sessions", failures);
        Check<JobOptions>(services, JobOptions.Section, failures);
        Check<AdminOptions>(services, AdminOptions.Section, failures);
        Check<ClusterSettings>(services, "Clusters", failures);
        Check<AuditOptions>(services, "Audit", failures);
        Check<LoginNodeOptions>(services, LoginNodeOptions.Section, failures);
        Check<TerminalOptions>(services, "Terminal", failures);
        Check<SlackOptions>(services, SlackOptions.Section, failures);
        Check<TeamsOptions>(services, TeamsOptions.Section, failures);
        if (failures.Count == 0) failures.AddRange(Across(services));
        return failures;
    }

    /// <summary>Rules between settings of different sections, once each section is valid on its own.</summary>
    private static IEnumerable<string> Across(IServiceProvider services)
    {
        var sessions = services.GetService<IOptions<SessionOptions>>()?.Value;
        var jobs = services.GetService<IOptions<JobOptions>>()?.Value;
        if (sessions is not null && jobs is not null && sessions.SubmitOverdueAfter < jobs.InvisibilityTimeout)
        {
            yield return $"Sessions__SubmitOverdueAfter ({sessions.SubmitOverdueAfter:c}) must be at least Jobs__InvisibilityTimeout ({jobs.InvisibilityTimeout:c}): "
                + "a submission repeated sooner could run beside the first, and both would run sbatch.";
        }
    }

    private static void Check<T>(IServiceProvider services, string section, List<string> failures)
        where T : class
    {
        var options = services.GetService<IOptions<T>>();
        if (options is null) return;
        try
        {
            _ = options.Value;
        }
        catch (OptionsValidationException invalid)
        {
            failures.AddRange(invalid.Failures.Select(f => f.StartsWith(section + "__", StringComparison.Ordinal) ? f : $"{section}: {f}"));
        }
        catch (InvalidOperationException unreadable)
        {
            // The schema check reads every value first, so this is a type it does not know yet; still name the section.
            failures.Add($"{section}: {unreadable.Message}");
        }
    }
}
