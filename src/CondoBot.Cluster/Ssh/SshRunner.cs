using System.Net.Sockets;
using System.Text;
using CondoBot.Cluster.Keys;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Diagnostics;
using Microsoft.Extensions.Logging;
using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Security;

namespace CondoBot.Cluster.Ssh;

/// <summary>
/// Runs one command on a cluster's login node as the user, with their delegated key, after checking the login node's
/// host key against the pinned fingerprint. Every SSH failure becomes a problem a user can understand.
/// </summary>
public sealed partial class SshRunner(ClusterCatalog clusters, KeyVault vault, ILogger<SshRunner> logger, CondoBotMetrics? metrics = null)
{
    public async Task<Result<RemoteOutput>> RunAsync(Actor actor, string command, string? stdin, CancellationToken cancellationToken)
    {
        var profile = clusters.Get(actor.Cluster);
        var key = await vault.UnsealAsync(actor.ChatUser, cancellationToken);
        if (key is null)
        {
            return new Problem(ProblemKind.NotAuthorized, "You have no key for the cluster yet: `key UID` creates one.");
        }

        using var keyFile = new PrivateKeyFile(new ED25519Key(key.Seed));
        using var auth = new PrivateKeyAuthenticationMethod(actor.Login.Value, keyFile);
        var info = new ConnectionInfo(profile.LoginHost, profile.LoginPort, actor.Login.Value, auth) { Timeout = profile.CommandTimeout };
        using var client = new SshClient(info);
        string? presented = null;
        client.HostKeyReceived += (_, e) =>
        {
            presented = "SHA256:" + e.FingerPrintSHA256;
            e.CanTrust = string.Equals(presented.TrimEnd('='), profile.HostKeySha256.TrimEnd('='), StringComparison.Ordinal);
        };

        try
        {
            await client.ConnectAsync(cancellationToken);
            using var remote = client.CreateCommand(command);
            remote.CommandTimeout = profile.CommandTimeout;
            var execution = remote.ExecuteAsync(cancellationToken);
            if (stdin is not null)
            {
                using var input = remote.CreateInputStream();
                await input.WriteAsync(Encoding.UTF8.GetBytes(stdin), cancellationToken);
            }

            await execution;
            return new RemoteOutput(remote.ExitStatus ?? -1, remote.Result, remote.Error);
        }
        catch (SshConnectionException) when (presented is not null && !string.Equals(presented.TrimEnd('='), profile.HostKeySha256.TrimEnd('='), StringComparison.Ordinal))
        {
            metrics?.SshFailure("host_key_mismatch");
            LogHostKeyMismatch(profile.Name, profile.LoginHost, profile.HostKeySha256, presented);
            return new Problem(ProblemKind.HostKeyMismatch,
                $"The login node {profile.LoginHost} presented a host key that does not match the one configured for {profile.Name}, so I did not connect. Please tell the CondoBot operators.");
        }
        catch (SshAuthenticationException)
        {
            metrics?.SshFailure("not_authorized");
            LogLoginRefused(profile.Name, actor.Login.Value);
            return new Problem(ProblemKind.NotAuthorized,
                $"{profile.LoginHost} refused my key for {actor.Login}: it is not (or no longer) in ~/.ssh/authorized_keys there. `key check` tells you how to fix it.");
        }
        catch (Exception ex) when (ex is SocketException or SshException or IOException or TimeoutException)
        {
            metrics?.SshFailure("unreachable");
            LogUnreachable(profile.Name, profile.LoginHost, profile.LoginPort, ex.GetType().Name, ex.Message);
            return new Problem(ProblemKind.ClusterUnavailable,
                $"Could not reach the login node {profile.LoginHost} ({ex.Message.TrimEnd('.')}). I'll keep trying.");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Host key of {Cluster} login node {Host} does not match: pinned {Pinned}, presented {Presented}; not connecting")]
    private partial void LogHostKeyMismatch(string cluster, string host, string pinned, string presented);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login refused on {Cluster} for {Login}: delegated key not authorized")]
    private partial void LogLoginRefused(string cluster, string login);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login node of {Cluster} ({Host}:{Port}) unreachable: {Error} {Message}")]
    private partial void LogUnreachable(string cluster, string host, int port, string error, string message);
}
