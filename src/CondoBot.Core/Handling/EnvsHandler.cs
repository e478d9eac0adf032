using CondoBot.Core.Clusters;
using CondoBot.Core.Commands;

namespace CondoBot.Core.Commands
{
    /// <summary>List a cluster's environments (or every cluster's), for <c>start --env NAME</c>.</summary>
    public sealed record EnvsCommand(string? Cluster) : Command
    {
        public override bool ChangesNothing => true;

        /// <summary><c>envs</c>, or <c>envs --cluster NAME</c> (also <c>--cluster=NAME</c>).</summary>
        internal static ParseResult Parse(ReadOnlySpan<string> args)
        {
            if (args.Length == 0) return ParseResult.Of(new EnvsCommand(Cluster: null));
            var (word, value) = args[0].StartsWith("--cluster=", StringComparison.Ordinal)
                ? ("--cluster", args[0]["--cluster=".Length..])
                : (args[0], args.Length > 1 ? args[1] : "");
            var used = args[0].Contains('=', StringComparison.Ordinal) ? 1 : 2;
            if (word != "--cluster") return ParseResult.Wrong($"Unexpected `{CommandParser.Shorten(args[0])}` after `envs`.", Usage.Envs);
            if (value.Length == 0) return ParseResult.Wrong("Option `--cluster` needs a value.", Usage.Envs);
            if (!CommandParser.ClusterName().IsMatch(value))
            {
                return ParseResult.Wrong($"`{CommandParser.Shorten(value)}` is not a cluster name: use letters, digits, `_` and `-`, at most 32 characters.", Usage.Envs);
            }

            return args.Length > used ? CommandParser.Extra("envs", args[used]) : ParseResult.Of(new EnvsCommand(value));
        }
    }
}

namespace CondoBot.Core.Handling
{
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
}
