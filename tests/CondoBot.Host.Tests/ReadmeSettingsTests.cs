using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using CondoBot.Host.Configuration;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>
/// The README's settings tables against the code: every documented setting is one the service reads and checks,
/// every setting it checks is documented, and each documented duration or number default is the one it uses.
/// </summary>
public sealed partial class ReadmeSettingsTests
{
    /// <summary>Documented settings outside the checked sections, with the code that reads them.</summary>
    private static readonly Dictionary<string, PropertyInfo?> Elsewhere = new(StringComparer.Ordinal)
    {
        ["Logging__Format"] = typeof(LogFormatOptions).GetProperty(nameof(LogFormatOptions.Format)),
        ["ConnectionStrings__CondoBot"] = null,
        ["Faults__CrashAt"] = null,
        ["Clusters__Default"] = typeof(ClusterSettings).GetProperty(nameof(ClusterSettings.Default)),
    };

    private sealed record Row(string Key, string Default);

    private static List<Row> Rows()
    {
        var rows = new List<Row>();
        foreach (var line in File.ReadLines(LocalCluster.RepoFile("README.md")))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length < 5 || cells[0].Length > 0 || !cells[1].StartsWith('`')) continue;
            var keys = Backticked().Matches(cells[1]).Select(m => m.Groups[1].Value).ToList();
            if (keys.Count == 0 || !keys[0].Contains("__", StringComparison.Ordinal)) continue;
            var prefix = keys[0][..(keys[0].LastIndexOf("__", StringComparison.Ordinal) + 2)];
            var defaults = Backticked().Matches(cells[3]).Select(m => m.Groups[1].Value).ToList();
            rows.AddRange(keys.Select(k => new Row(k.Contains("__", StringComparison.Ordinal) ? k : prefix + k, defaults.Count == 1 && keys.Count == 1 ? defaults[0] : "")));
        }

        return rows;
    }

    private static PropertyInfo? Setting(string key)
    {
        if (Elsewhere.TryGetValue(key, out var elsewhere)) return elsewhere;
        var parts = key.Split("__");
        if (parts is ["Clusters", "NAME", var clusterSetting]) return SettingsSchema.Cluster.Find(clusterSetting);
        if (parts.Length != 2) return null;
        return SettingsSchema.Sections.SingleOrDefault(s => s.Name == parts[0])?.Find(parts[1]);
    }

    [Fact]
    public void EverySettingTheReadmeDocuments_IsOneTheServiceReadsAndChecks()
    {
        var rows = Rows();

        Assert.True(rows.Count > 40, $"only {rows.Count} settings found in the README's tables");
        var unknown = rows.Where(r => !Elsewhere.ContainsKey(r.Key) && Setting(r.Key) is null).Select(r => r.Key).ToList();
        Assert.True(unknown.Count == 0, "documented but not read by the service: " + string.Join(", ", unknown));
    }

    [Fact]
    public void EverySettingTheServiceChecks_IsDocumentedInTheReadme()
    {
        var documented = Rows().Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var expected = SettingsSchema.Sections.SelectMany(s => s.Settings.Select(p => $"{s.Name}__{p.Name}"))
            .Concat(SettingsSchema.Cluster.Settings.Select(p => $"Clusters__NAME__{p.Name}"));

        var missing = expected.Where(k => !documented.Contains(k)).ToList();
        Assert.True(missing.Count == 0, "read by the service but not in the README's tables: " + string.Join(", ", missing));
    }

    [Fact]
    public void EachDocumentedDurationOrNumberDefault_IsTheDefaultTheServiceUses()
    {
        using var appsettings = JsonDocument.Parse(File.ReadAllText(LocalCluster.RepoFile("src/CondoBot.Host/appsettings.json")));
        var checkedCount = 0;
        var wrong = new List<string>();
        foreach (var row in Rows().Where(r => r.Default.Length > 0))
        {
            var property = Setting(row.Key);
            if (property is null || (property.PropertyType != typeof(TimeSpan) && property.PropertyType != typeof(int))) continue;
            var documented = Parse(property.PropertyType, row.Default);
            var inCode = property.GetValue(Activator.CreateInstance(property.DeclaringType!));
            if (!Equals(documented, inCode)) wrong.Add($"{row.Key}: README {row.Default}, code {inCode}");
            if (AppSetting(appsettings.RootElement, row.Key) is { } shipped && !Equals(documented, Parse(property.PropertyType, shipped)))
            {
                wrong.Add($"{row.Key}: README {row.Default}, appsettings.json {shipped}");
            }

            checkedCount++;
        }

        Assert.True(checkedCount >= 20, $"only {checkedCount} defaults compared");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static object Parse(Type type, string text) => type == typeof(TimeSpan)
        ? TimeSpan.Parse(text, CultureInfo.InvariantCulture)
        : int.Parse(text, CultureInfo.InvariantCulture);

    private static string? AppSetting(JsonElement root, string key)
    {
        var element = root;
        foreach (var part in key.Split("__"))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(part, out element)) return null;
        }

        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.GetRawText(),
            _ => null,
        };
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();
}
