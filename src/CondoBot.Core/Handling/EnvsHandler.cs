using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;

namespace CondoBot.Core.Handling;

/// <summary><c>envs</c>: the environments <c>start --env NAME</c> chooses from, per cluster, with each one's default.</summary>
public sealed class EnvsHandler(ClusterCatalog clusters) : ICommandHandler<EnvsCommand>
{
    public Task<Reply> HandleAsync(ChatUserId user, EnvsCommand command, CancellationToken cancellationToken) =>
        Task.FromResult(Handle(command));

    private Reply Handle(EnvsCommand command)
    {
        IReadOnlyList<ClusterProfile> shown;
        if (command.Cluster is { } name)
        {
            if (clusters.Find(name) is not { } one)
            {
                return Reply.Refused(
                    $"There is no cluster named `{name}`. Clusters: {string.Join(", ", clusters.All.Select(c => c.Name))}.", "unknown cluster");
            }

            shown = [one];
        }
        else
        {
            shown = clusters.All.ToList();
        }

        return new Reply(string.Join('\n', shown.Select(Describe)));
    }

    private static string Describe(ClusterProfile cluster)
    {
        if (cluster.Environments.Count == 0)
        {
            return $"{cluster.Name} has no environments to choose from: `start` uses its own setup.";
        }

        var lines = new List<string> { $"Environments on {cluster.Name} (`start --env NAME`):" };
        foreach (var (name, environment) in cluster.Environments.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var isDefault = string.Equals(name, cluster.DefaultEnvironment, StringComparison.OrdinalIgnoreCase) ? " (the default)" : "";
            var about = environment.Description.Trim() is { Length: > 0 } d ? $": {d}" : "";
            lines.Add($"• {name}{isDefault}{about}");
        }

        if (cluster.DefaultEnvironment.Length == 0) lines.Add("Without `--env`, the cluster's own setup.");
        return string.Join('\n', lines);
    }
}
