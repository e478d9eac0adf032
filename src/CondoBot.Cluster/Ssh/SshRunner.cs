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
/// Runs one command on a cluster's login node as the user, with their delegated key, on a connection kept in the
/// <see cref="SshConnectionPool"/> (opened after checking the login node's host key against the pinned fingerprint).
/// Every SSH failure becomes a problem a user can understand. A login node that refused a TCP connection is taken to
/// be down for <see cref="RefusedConnectionPause"/>: commands for it meanwhile get the same answer at once, without
/// building an SSH client each. During an outage every session's steps keep failing and retrying, and building (and
/// later finalizing) a client per attempt cost the process more CPU than the chat requests it was answering.
/// </summary>
public sealed partial class SshRunner(ClusterCatalog clusters, KeyVault vault, SshConnectionPool pool, ILogger<SshRunner> logger, CondoBotMetrics? metrics = null, TimeProvider? time = null)
{
    public static readonly TimeSpan RefusedConnectionPause = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTimeOffset At, Problem Problem)> _refusedConnections = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Runs the command. A kept connection found closed (the login node restarted, a firewall dropped it) is replaced
    /// and the command tried once more on a fresh one; never a command that must not run twice (a submission, which
    /// may have reached sbatch before the connection broke) or has input, and never a command that ran and failed.
    /// </summary>
    /// <param name="freshLogin">Log in anew instead of riding on a kept connection (a check that the key still works).</param>
    /// <param name="once">Never send the command a second time, even when the connection broke under it.</param>
    public async Task<Result<RemoteOutput>> RunAsync(
        Actor actor, string command, string? stdin, CancellationToken cancellationToken, bool freshLogin = false, bool once = false)
    {
        var profile = clusters.Get(actor.Cluster);
        var key = await vault.UnsealAsync(actor.ChatUser, cancellationToken);
        if (key is null || freshLogin) pool.Drop(actor.ChatUser);
        if (key is null)
        {
            return new Problem(ProblemKind.NotAuthorized, "You have no key for the cluster yet: `key UID` creates one.");
        }

        if (_refusedConnections.TryGetValue(profile.Name, out var refused) && _time.GetUtcNow() - refused.At < RefusedConnectionPause && !pool.HasOpen(profile.Name))
        {
            return refused.Problem;
        }

        var poolKey = new PoolKey(profile.Name, actor.Login.Value, actor.ChatUser);
        for (var attempt = 1; ; attempt++)
        {
            SshLease lease;
            try
            {
                lease = await pool.LeaseAsync(poolKey, key.PublicKey, () => OpenAsync(profile, actor.Login, key), cancellationToken);
            }
            catch (SshOpenException failed)
            {
                return Failure(profile, actor, failed.InnerException!, failed.PresentedHostKey);
            }

            using (lease)
            {
                try
                {
                    var output = await ExecuteAsync(lease.Client, profile, command, stdin, cancellationToken);
                    if (output is not null) return output;
                    lease.MarkBroken();
                    if (attempt == 1 && !lease.Fresh && stdin is null && !once)
                    {
                        LogReopening(profile.Name, actor.Login.Value, "closed during the command");
                        continue;
                    }

                    return Failure(profile, actor, new SshConnectionException("The connection closed before the command finished."), null);
                }
                catch (Exception ex) when (ex is SshConnectionException or SocketException or IOException or ObjectDisposedException)
                {
                    lease.MarkBroken();
                    if (attempt == 1 && !lease.Fresh && stdin is null && !once)
                    {
                        LogReopening(profile.Name, actor.Login.Value, ex.Message);
                        continue;
                    }

                    return Failure(profile, actor, ex, null);
                }
                catch (Exception ex) when (ex is SshException or TimeoutException)
                {
                    lease.MarkBroken();
                    return Failure(profile, actor, ex, null);
                }
            }
        }
    }

    /// <summary>
    /// Runs a long-lived command on a kept connection, handing each line of its output to <paramref name="line"/> as it
    /// arrives, until the command ends or <paramref name="cancellationToken"/> stops it (then the remote program is
    /// signalled and its channel closed). Answers its exit status and stderr (stdout went to <paramref name="line"/>),
    /// or the problem; never sent twice: the caller decides when to start it again.
    /// </summary>
    public async Task<Result<RemoteOutput>> StreamAsync(Actor actor, string command, Func<string, Task> line, CancellationToken cancellationToken)
    {
        var profile = clusters.Get(actor.Cluster);
        var key = await vault.UnsealAsync(actor.ChatUser, cancellationToken);
        if (key is null) return new Problem(ProblemKind.NotAuthorized, "You have no key for the cluster yet: `key UID` creates one.");
        SshLease lease;
        try
        {
            lease = await pool.LeaseAsync(new PoolKey(profile.Name, actor.Login.Value, actor.ChatUser), key.PublicKey, () => OpenAsync(profile, actor.Login, key), cancellationToken);
        }
        catch (SshOpenException failed)
        {
            return Failure(profile, actor, failed.InnerException!, failed.PresentedHostKey);
        }

        using (lease)
        {
            try
            {
                using var remote = lease.Client.CreateCommand(command);
                var execution = remote.ExecuteAsync(cancellationToken);
                // The output pipe ends when the channel closes, whether the command exited or was cancelled.
                var reading = Task.Run(async () =>
                {
                    using var reader = new StreamReader(remote.OutputStream, Encoding.UTF8);
                    while (await reader.ReadLineAsync(CancellationToken.None) is { } text) await line(text);
                }, CancellationToken.None);
                try
                {
                    await execution;
                }
                finally
                {
                    await reading.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                if (remote.ExitStatus is null && !lease.Client.IsConnected)
                {
                    lease.MarkBroken();
                    return Failure(profile, actor, new SshConnectionException("The connection closed before the command finished."), null);
                }

                return new RemoteOutput(remote.ExitStatus ?? -1, "", remote.Error);
            }
            catch (Exception ex) when (ex is SshConnectionException or SocketException or IOException or ObjectDisposedException or SshException or TimeoutException)
            {
                lease.MarkBroken();
                return Failure(profile, actor, ex, null);
            }
        }
    }

    /// <summary>The command's output, or null when the connection closed under it (no exit status came back).</summary>
    private static async Task<RemoteOutput?> ExecuteAsync(SshClient client, ClusterProfile profile, string command, string? stdin, CancellationToken cancellationToken)
    {
        using var remote = client.CreateCommand(command);
        remote.CommandTimeout = profile.CommandTimeout;
        var execution = remote.ExecuteAsync(cancellationToken);
        if (stdin is not null)
        {
            using var input = remote.CreateInputStream();
            await input.WriteAsync(Encoding.UTF8.GetBytes(stdin), cancellationToken);
        }

        await execution;
        if (remote.ExitStatus is null && !client.IsConnected) return null;
        return new RemoteOutput(remote.ExitStatus ?? -1, remote.Result, remote.Error);
    }

    /// <summary>Opens and logs in one connection. Not cancelled by the caller: other commands may be waiting on it.</summary>
    private async Task<SshConnection> OpenAsync(ClusterProfile profile, ClusterUser login, Ed25519KeyPair key)
    {
        var keyFile = new PrivateKeyFile(new ED25519Key(key.Seed));
        var auth = new PrivateKeyAuthenticationMethod(login.Value, keyFile);
        var info = new ConnectionInfo(profile.LoginHost, profile.LoginPort, login.Value, auth) { Timeout = profile.CommandTimeout };
        var client = new SshClient(info) { KeepAliveInterval = pool.Options.KeepAliveInterval };
        string? presented = null;
        client.HostKeyReceived += (_, e) =>
        {
            presented = "SHA256:" + e.FingerPrintSHA256;
            e.CanTrust = Matches(presented, profile.HostKeySha256);
        };

        try
        {
            await client.ConnectAsync(CancellationToken.None);
            LogOpened(profile.Name, login.Value);
            return new SshConnection(client, new KeyMaterial(auth, keyFile), presented);
        }
        catch (Exception ex)
        {
            client.Dispose();
            auth.Dispose();
            keyFile.Dispose();
            throw new SshOpenException(presented, ex);
        }
    }

    private Problem Failure(ClusterProfile profile, Actor actor, Exception ex, string? presented)
    {
        switch (ex)
        {
            case SshConnectionException when presented is not null && !Matches(presented, profile.HostKeySha256):
                metrics?.SshFailure("host_key_mismatch");
                LogHostKeyMismatch(profile.Name, profile.LoginHost, profile.HostKeySha256, presented);
                return new Problem(ProblemKind.HostKeyMismatch,
                    $"The login node {profile.LoginHost} presented a host key that does not match the one configured for {profile.Name}, so I did not connect. Please tell the CondoBot operators.");
            case SshAuthenticationException:
                metrics?.SshFailure("not_authorized");
                LogLoginRefused(profile.Name, actor.Login.Value);
                return new Problem(ProblemKind.NotAuthorized,
                    $"{profile.LoginHost} refused my key for {actor.Login}: it is not (or no longer) in ~/.ssh/authorized_keys there. `key check` tells you how to fix it.");
            case SocketException or SshException or IOException or TimeoutException or ObjectDisposedException:
                metrics?.SshFailure("unreachable");
                LogUnreachable(profile.Name, profile.LoginHost, profile.LoginPort, ex.GetType().Name, ex.Message);
                var unreachable = new Problem(ProblemKind.ClusterUnavailable,
                    $"Could not reach the login node {profile.LoginHost} ({ex.Message.TrimEnd('.')}). I'll keep trying.");
                if (ex is SocketException { SocketErrorCode: SocketError.ConnectionRefused }) _refusedConnections[profile.Name] = (_time.GetUtcNow(), unreachable);
                return unreachable;
            default:
                throw new InvalidOperationException("Unexpected SSH failure", ex);
        }
    }

    private static bool Matches(string presented, string pinned) =>
        string.Equals(presented.TrimEnd('='), pinned.TrimEnd('='), StringComparison.Ordinal);

    private sealed class KeyMaterial(PrivateKeyAuthenticationMethod auth, PrivateKeyFile keyFile) : IDisposable
    {
        public void Dispose()
        {
            auth.Dispose();
            keyFile.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Opened an SSH connection to {Cluster} as {Login}")]
    private partial void LogOpened(string cluster, string login);

    [LoggerMessage(Level = LogLevel.Information, Message = "A kept SSH connection to {Cluster} as {Login} was closed ({Reason}); trying once more on a fresh one")]
    private partial void LogReopening(string cluster, string login, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Host key of {Cluster} login node {Host} does not match: pinned {Pinned}, presented {Presented}; not connecting")]
    private partial void LogHostKeyMismatch(string cluster, string host, string pinned, string presented);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login refused on {Cluster} for {Login}: delegated key not authorized")]
    private partial void LogLoginRefused(string cluster, string login);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login node of {Cluster} ({Host}:{Port}) unreachable: {Error} {Message}")]
    private partial void LogUnreachable(string cluster, string host, int port, string error, string message);
}

/// <summary>Opening a connection failed; carries the host key the login node presented, if it got that far.</summary>
internal sealed class SshOpenException(string? presentedHostKey, Exception inner) : Exception(inner.Message, inner)
{
    public string? PresentedHostKey { get; } = presentedHostKey;
}
