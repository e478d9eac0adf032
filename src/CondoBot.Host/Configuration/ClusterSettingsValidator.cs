using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CondoBot.Host.Configuration;

/// <summary>
/// Checks every configured cluster at start-up and names each bad setting the way operators set it
/// (<c>Clusters__NAME__Setting</c>), so a typo stops the service with a message instead of failing a user later.
/// </summary>
public sealed partial class ClusterSettingsValidator : IValidateOptions<ClusterSettings>
{
    public ValidateOptionsResult Validate(string? name, ClusterSettings options)
    {
        var failures = new List<string>();
        if (options.Profiles.Count == 0)
        {
            failures.Add("No cluster is configured: set Clusters__NAME__LoginHost and Clusters__NAME__HostKeySha256 for at least one cluster.");
        }

        var names = string.Join(", ", options.Profiles.Keys.Order(StringComparer.OrdinalIgnoreCase));
        if (!string.IsNullOrWhiteSpace(options.Default))
        {
            if (!options.Profiles.ContainsKey(options.Default.Trim()))
            {
                failures.Add($"Clusters__Default is '{options.Default}', which is not a configured cluster; it names one of: {names}.");
            }
        }
        else if (options.Profiles.Count > 1)
        {
            failures.Add($"Several clusters are configured ({names}): set Clusters__Default to the one `start` uses without --cluster.");
        }

        foreach (var (clusterName, profile) in options.Profiles)
        {
            if (!ClusterName().IsMatch(clusterName))
            {
                failures.Add($"Clusters__{clusterName}: a cluster name uses letters, digits, '_' and '-'.");
            }

            var results = new List<ValidationResult>();
            Validator.TryValidateObject(profile, new ValidationContext(profile), results, validateAllProperties: true);
            failures.AddRange(results.Select(r =>
                $"Clusters__{clusterName}__{r.MemberNames.FirstOrDefault() ?? "?"}: {r.ErrorMessage}"));
            if (profile.NodePortMin >= profile.NodePortMax)
            {
                failures.Add($"Clusters__{clusterName}__NodePortMin must be below Clusters__{clusterName}__NodePortMax.");
            }

            foreach (var environment in profile.Environments.Keys.Where(e => !ClusterName().IsMatch(e)))
            {
                failures.Add($"Clusters__{clusterName}__Environments__{environment}: an environment name uses letters, digits, '_' and '-', at most 32 characters.");
            }

            if (profile.DefaultEnvironment.Length > 0 && !profile.Environments.ContainsKey(profile.DefaultEnvironment))
            {
                var known = profile.Environments.Count == 0 ? "it has none" : "it has " + string.Join(", ", profile.Environments.Keys.Order(StringComparer.Ordinal));
                failures.Add($"Clusters__{clusterName}__DefaultEnvironment is '{profile.DefaultEnvironment}', which is not one of the cluster's environments ({known}; set Clusters__{clusterName}__Environments__NAME__Preamble or __LaunchCommand to add one).");
            }

            if (profile.CommandTimeout <= TimeSpan.Zero || profile.CommandTimeout > TimeSpan.FromMinutes(10))
            {
                failures.Add($"Clusters__{clusterName}__CommandTimeout must be positive and at most 00:10:00.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex ClusterName();
}
