using CondoBot.Cluster.Keys;
using CondoBot.Cluster.Ssh;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Identity;

namespace CondoBot.Cluster.Gate;

/// <summary>
/// Tells a gate that is missing, outdated or not there at all (a key authorized before the gate) from a working one,
/// and words the problem with the one line that brings it up to date.
/// </summary>
internal sealed class GateProblems(ClusterCatalog clusters, KeyVault vault, IKeyInstallation installation)
{
    /// <summary>What an answer shows is wrong with the gate, or null when the gate answered (well or not).</summary>
    public static string? NotTheGate(string verb, RemoteOutput output)
    {
        if (output.Stderr.Contains("condobot-gate: refused", StringComparison.Ordinal)) return "the gate there does not know this bot's requests";
        if (output.Stderr.Contains(".gate", StringComparison.Ordinal)
            && (output.Stderr.Contains("No such file", StringComparison.Ordinal) || output.Stderr.Contains("cannot open", StringComparison.Ordinal)))
        {
            return "the gate is missing there";
        }

        return output.ExitStatus == 127 && output.Stderr.Contains(verb + ": ", StringComparison.Ordinal) && output.Stderr.Contains("not found", StringComparison.Ordinal)
            ? "the key does not run the CondoBot gate there"
            : null;
    }

    /// <summary>The version check's verdict: null when the gate is the one this bot needs.</summary>
    public static string? Outdated(RemoteOutput version, ClusterProfile profile, ClusterCatalog clusters)
    {
        if (version.ExitStatus == 0 && GateProgram.IsCurrent(version.Stdout, profile, clusters.All)) return null;
        if (version.ExitStatus == 0 && version.Stdout.StartsWith("condobot-gate ", StringComparison.Ordinal))
        {
            return $"the gate there is another version ({version.Stdout.Trim()})";
        }

        return NotTheGate(SlurmCommandsVersion, version) ?? "the key does not run the CondoBot gate there";
    }

    public async Task<Problem> DescribeAsync(Actor actor, string found, CancellationToken cancellationToken)
    {
        var profile = clusters.Get(actor.Cluster);
        if (GateProgram.IsSiteWide(profile))
        {
            return new Problem(ProblemKind.GateOutdated,
                $"I logged in to {profile.LoginHost} as {actor.Login}, but {found}: the site's gate {profile.Gate} must speak protocol {GateProgram.OldestSiteProtocol} to {GateProgram.Protocol} ({GateProgram.Protocol} for prompt end notices). Please tell the cluster's administrators; `key {actor.Login}` gives you a fresh line to authorize once it is fixed.");
        }

        var link = await vault.FindAsync(actor.ChatUser, cancellationToken);
        var line = link is null ? $" the line `key {actor.Login}` gives you. " : "\n```\n" + installation.Command(link, profile) + "\n```\n";
        return new Problem(ProblemKind.GateOutdated,
            $"I logged in to {profile.LoginHost} as {actor.Login}, but {found}. Bring it up to date: log in there as {actor.Login} and run{line}It installs the gate this bot needs and keeps your key; then try again.");
    }

    private const string SlurmCommandsVersion = Slurm.SlurmCommands.Version;
}
