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
        Check<StorageOptions>(services, "Storage", failures);
        Check<SessionOptions>(services, "Sessions", failures);
        Check<ClusterSettings>(services, "Clusters", failures);
        Check<AuditOptions>(services, "Audit", failures);
        Check<LoginNodeOptions>(services, LoginNodeOptions.Section, failures);
        Check<TerminalOptions>(services, "Terminal", failures);
        Check<SlackOptions>(services, SlackOptions.Section, failures);
        Check<TeamsOptions>(services, TeamsOptions.Section, failures);
        return failures;
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
    }
}
