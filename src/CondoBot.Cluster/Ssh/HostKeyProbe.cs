using System.Net.Sockets;
using CondoBot.Core.Clusters;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace CondoBot.Cluster.Ssh;

/// <summary>
/// Checks that a login node answers SSH and presents the pinned host key, and goes no further than the key exchange:
/// the host key arrives (signed by the server over the exchange) before any user name is sent, and the probe then
/// breaks the connection off. A login node's logs see a client that disconnected before authenticating, never a
/// login attempt, so defences that ban sources of failed logins have nothing to count.
/// </summary>
public static class HostKeyProbe
{
    public static async Task<HostKeyProbeResult> CheckAsync(ClusterProfile profile, CancellationToken cancellationToken)
    {
        // SSH.NET wants a user and a method; neither is ever sent, as the connection ends during the key exchange.
        var info = new ConnectionInfo(profile.LoginHost, profile.LoginPort, "unused", new NoneAuthenticationMethod("unused"))
        {
            Timeout = profile.CommandTimeout,
        };
        using var client = new SshClient(info);
        string? presented = null;
        client.HostKeyReceived += (_, e) =>
        {
            presented = "SHA256:" + e.FingerPrintSHA256;
            e.CanTrust = false;
        };

        try
        {
            await client.ConnectAsync(cancellationToken);
            return new HostKeyProbeResult(HostKeyProbeOutcome.Unreachable, "the key exchange ended without a host key");
        }
        catch (Exception ex) when (presented is not null && ex is SshException or IOException or SocketException)
        {
            return Matches(presented, profile.HostKeySha256)
                ? HostKeyProbeResult.Healthy
                : new HostKeyProbeResult(HostKeyProbeOutcome.HostKeyMismatch, $"host key mismatch: presented {presented}, pinned {profile.HostKeySha256}");
        }
        catch (Exception ex) when (ex is SocketException or SshException or IOException or TimeoutException or OperationCanceledException)
        {
            return new HostKeyProbeResult(HostKeyProbeOutcome.Unreachable, $"unreachable: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static bool Matches(string presented, string pinned) =>
        string.Equals(presented.TrimEnd('='), pinned.TrimEnd('='), StringComparison.Ordinal);
}

public enum HostKeyProbeOutcome
{
    Healthy,
    HostKeyMismatch,
    Unreachable,
}

/// <summary>What the probe found: healthy, or why not (no secrets in it: fingerprints are public).</summary>
public sealed record HostKeyProbeResult(HostKeyProbeOutcome Outcome, string Detail)
{
    public static HostKeyProbeResult Healthy { get; } = new(HostKeyProbeOutcome.Healthy, "reachable, host key matches");

    public bool Ok => Outcome == HostKeyProbeOutcome.Healthy;
}
