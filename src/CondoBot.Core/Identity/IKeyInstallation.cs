using CondoBot.Core.Clusters;

namespace CondoBot.Core.Identity;

/// <summary>
/// How a delegated key is authorized on a cluster: the <c>authorized_keys</c> entry, which lets the key run only the
/// cluster's gate, and the one line a person pastes on the login node to install it.
/// </summary>
public interface IKeyInstallation
{
    /// <summary>The entry: <c>restrict,command="..."[,from="..."][,expiry-time="..."] ssh-ed25519 ... condobot-...</c>.</summary>
    string Entry(UserLink link, ClusterProfile cluster);

    /// <summary>The line to run on the login node as the linked login; the same line brings an outdated gate up to date.</summary>
    string Command(UserLink link, ClusterProfile cluster);

    /// <summary>When the key stops working by itself (<see cref="ClusterProfile.KeyLifetime"/>); null when it does not.</summary>
    DateTimeOffset? ExpiresAt(UserLink link, ClusterProfile cluster) =>
        cluster.KeyLifetime is { } lifetime ? link.CreatedAt + lifetime : null;
}
