using System.Globalization;
using System.Reflection;
using CondoBot.Cluster.Ssh;
using CondoBot.Core.Audit;
using CondoBot.Core.Clusters;
using CondoBot.Slack;
using CondoBot.Teams;
using CondoBot.Terminal;
using SessionOptions = CondoBot.Core.Sessions.SessionOptions;

namespace CondoBot.Host.Configuration;

/// <summary>One checked section: its settings are the public settable properties of the class it binds to.</summary>
public sealed record SettingsSection(string Name, Type Options, IReadOnlySet<string> Lists)
{
    public IReadOnlyList<PropertyInfo> Settings { get; } = [.. Options
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.SetMethod is { IsPublic: true } && p.GetMethod is { IsPublic: true })
        .Where(p => !(Options == typeof(ClusterProfile) && p.Name == nameof(ClusterProfile.Name)))];

    public PropertyInfo? Find(string key) => Settings.FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));

    public string Accepted => string.Join(", ", Settings.Select(p => p.Name));
}

/// <summary>
/// Checks the configuration itself before anything binds it: every key under a checked section must be a setting (a
/// misspelt one would otherwise be silently ignored), and every value must parse as its setting's type (the binder
/// would otherwise stop the start with a stack trace). Ranges and rules between settings are the validators' work.
/// </summary>
public static class SettingsSchema
{
    private static readonly HashSet<string> NoLists = [];

    /// <summary><c>Clusters__NAME__...</c>: one <see cref="ClusterProfile"/> per name, beside <c>Clusters__Default</c>.</summary>
    public static SettingsSection Cluster { get; } = new(ClusterSettings.Section, typeof(ClusterProfile), NoLists);

    public static IReadOnlyList<SettingsSection> Sections { get; } =
    [
        new("Sessions", typeof(SessionOptions), new HashSet<string>(StringComparer.OrdinalIgnoreCase) { nameof(SessionOptions.RemindBefore) }),
        new(LoginNodeOptions.Section, typeof(LoginNodeOptions), NoLists),
        new(StorageOptions.Section, typeof(StorageOptions), NoLists),
        new(SlackOptions.Section, typeof(SlackOptions), NoLists),
        new(TeamsOptions.Section, typeof(TeamsOptions), NoLists),
        new(JobOptions.Section, typeof(JobOptions), NoLists),
        new(AdminOptions.Section, typeof(AdminOptions), NoLists),
        new(KeyRing.KeyRingSettings.Section, typeof(KeyRing.KeyRingSettings), new HashSet<string>(StringComparer.OrdinalIgnoreCase) { nameof(KeyRing.KeyRingSettings.PreviousCertificatePaths) }),
        new("Audit", typeof(AuditOptions), NoLists),
        new("Terminal", typeof(TerminalOptions), NoLists),
    ];

    public static IReadOnlyList<string> Failures(IConfiguration configuration)
    {
        var failures = new List<string>();
        foreach (var section in Sections)
        {
            CheckSection(configuration.GetSection(section.Name), section.Name, section, failures);
        }

        foreach (var child in configuration.GetSection(ClusterSettings.Section).GetChildren())
        {
            var key = $"{ClusterSettings.Section}__{child.Key}";
            if (string.Equals(child.Key, ClusterSettings.DefaultKey, StringComparison.OrdinalIgnoreCase))
            {
                if (child.GetChildren().Any()) failures.Add($"{key} takes one value, the name of a configured cluster.");
            }
            else if (!child.GetChildren().Any())
            {
                failures.Add($"{key} is not a setting: a cluster's settings are Clusters__NAME__SETTING (e.g. Clusters__condo__LoginHost), and Clusters__Default names the default cluster.");
            }
            else
            {
                CheckSection(child, key, Cluster, failures);
            }
        }

        return failures;
    }

    private static void CheckSection(IConfigurationSection section, string prefix, SettingsSection schema, List<string> failures)
    {
        if (section.Value is { Length: > 0 } && !section.GetChildren().Any())
        {
            failures.Add($"{prefix} is a section, not a setting: its settings are {prefix}__SETTING, with SETTING one of {schema.Accepted}.");
            return;
        }

        foreach (var child in section.GetChildren())
        {
            var key = $"{prefix}__{child.Key}";
            var property = schema.Find(child.Key);
            if (property is null)
            {
                failures.Add($"{key} is not a setting; the {prefix} settings are: {schema.Accepted}.");
                continue;
            }

            var items = child.GetChildren().ToList();
            if (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                // Named entries (a cluster's environments): each NAME holds the entry type's settings.
                var entry = new SettingsSection(key + "__NAME", property.PropertyType.GetGenericArguments()[1], NoLists);
                foreach (var item in items)
                {
                    if (!item.GetChildren().Any()) failures.Add($"{key}__{item.Key} is not a setting: write {key}__{item.Key}__SETTING, with SETTING one of {entry.Accepted}.");
                    else CheckSection(item, $"{key}__{item.Key}", entry, failures);
                }
            }
            else if (items.Count == 0)
            {
                CheckValue(key, child.Value ?? "", property.PropertyType, failures);
            }
            else if (!schema.Lists.Contains(property.Name))
            {
                failures.Add($"{key} takes one value, not a list ({key}__{items[0].Key} is set).");
            }
            else
            {
                foreach (var item in items)
                {
                    if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _) || item.GetChildren().Any())
                    {
                        failures.Add($"{key}__{item.Key}: a list's items are {key}__0, {key}__1, ...");
                    }
                }
            }
        }
    }

    private static void CheckValue(string key, string value, Type type, List<string> failures)
    {
        if (type == typeof(string)) return;
        // An optional setting (KeyLifetime, IdleAfter): set, it reads as its type; empty is unset.
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            if (value.Trim().Length > 0) CheckValue(key, value, inner, failures);
            return;
        }

        var trimmed = value.Trim();
        if (type == typeof(TimeSpan))
        {
            if (!TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out _))
            {
                failures.Add($"{key} is '{value}', which is not a duration: write [d.]hh:mm:ss with minutes and seconds below 60 (e.g. 00:15:00, 1.00:00:00), or leave it unset for the default.");
            }
            else if (!trimmed.Contains(':', StringComparison.Ordinal))
            {
                // A bare number reads as days ("30" is a month), which is never what someone writing seconds meant.
                failures.Add($"{key} is '{value}', which reads as {trimmed} days: write the duration as [d.]hh:mm:ss (00:00:{trimmed} for seconds, {trimmed}.00:00:00 for days).");
            }
        }
        else if (type == typeof(int))
        {
            if (!int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                failures.Add($"{key} is '{value}', which is not a whole number.");
            }
        }
        else if (type == typeof(bool))
        {
            if (!bool.TryParse(trimmed, out _)) failures.Add($"{key} is '{value}': write true or false.");
        }
        else if (type.IsEnum)
        {
            var names = Enum.GetNames(type).Where(n => Convert.ToInt64(Enum.Parse(type, n), CultureInfo.InvariantCulture) != 0).ToList();
            var parts = trimmed.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Any(p => !names.Contains(p, StringComparer.OrdinalIgnoreCase)))
            {
                failures.Add($"{key} is '{value}': write {(type.IsDefined(typeof(FlagsAttribute)) ? "one or more of" : "one of")} {string.Join(", ", names)}{(type.IsDefined(typeof(FlagsAttribute)) ? ", separated by commas" : "")}.");
            }
        }
        else
        {
            throw new InvalidOperationException($"{key}: no check for settings of type {type.Name}.");
        }
    }
}
