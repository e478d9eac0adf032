using System.Net.Sockets;
using CondoBot.Core.Clusters;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace CondoBot.Cluster.Ssh;

/// <summary>
/// Checks that a login node answers SSH and presents the pinned host key, without logging in: the host key arrives
/// during key exchange, before authentication, so no user's key is needed. The login that follows is refused (the
/// probe offers no credentials) and that refusal is the expected, healthy end.
/// </summary>
public static class HostKeyProbe
{
    private const string ProbeUser = "condobot-readiness-probe";

    public static async Task<HostKeyProbeResult> CheckAsync(ClusterProfile profile, CancellationToken cancellationToken)
    {
        var info = new ConnectionInfo(profile.LoginHost, profile.LoginPort, ProbeUser, new NoneAuthenticationMethod(ProbeUser))
        {
            Timeout = profile.CommandTimeout,
        };
        using var client = new SshClient(info);
        string? presented = null;
        client.HostKeyReceived += (_, e) =>
        {
            presented = "SHA256:" + e.FingerPrintSHA256;
            e.CanTrust = Matches(presented, profile.HostKeySha256);
        };

        try
        {
            await client.ConnectAsync(cancellationToken);
            return HostKeyProbeResult.Healthy;
        }
        catch (SshAuthenticationException) when (presented is not null && Matches(presented, profile.HostKeySha256))
        {
            return HostKeyProbeResult.Healthy;
        }
        catch (SshConnectionException) when (presented is not null && !Matches(presented, profile.HostKeySha256))
        {
            return new HostKeyProbeResult(false, $"host key mismatch: presented {presented}, pinned {profile.HostKeySha256}");
        }
        catch (Exception ex) when (ex is SocketException or SshException or IOException or TimeoutException or OperationCanceledException)
        {
            return new HostKeyProbeResult(false, $"unreachable: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static bool Matches(string presented, string pinned) =>
        string.Equals(presented.TrimEnd('='), pinned.TrimEnd('='), StringComparison.Ordinal);
}

/// <summary>What the probe found: healthy, or why not (no secrets in it: fingerprints are public).</summary>
public sealed record HostKeyProbeResult(bool Ok, string Detail)
{
    public static HostKeyProbeResult Healthy { get; } = new(true, "reachable, host key matches");
}
