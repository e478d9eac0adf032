using Renci.SshNet;

namespace CondoBot.Cluster.Ssh;

/// <summary>
/// One SSH connection to a login node, logged in with one delegated key, and the key objects it was opened with
/// (kept until it closes). The pool's bookkeeping for it is guarded by its <see cref="LoginConnections"/>' lock.
/// </summary>
internal sealed class SshConnection(SshClient client, IDisposable keyMaterial, string? presentedHostKey) : IDisposable
{
    public SshClient Client { get; } = client;

    /// <summary>The login node's host key fingerprint as presented (the pin was checked before the login).</summary>
    public string? PresentedHostKey { get; } = presentedHostKey;

    public bool IsConnected => Client.IsConnected;

    public void Dispose()
    {
        try
        {
            Client.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or Renci.SshNet.Common.SshException)
        {
            // Closing a connection that the other end already dropped: nothing left to release.
        }

        keyMaterial.Dispose();
    }
}

/// <summary>A connection's place in the pool: how many commands run on it, since when it is open and idle.</summary>
internal sealed class PoolSlot(Task<SshConnection> opening, long openedAt)
{
    public Task<SshConnection> Opening { get; } = opening;

    public long OpenedAt { get; } = openedAt;

    public long LastUsed { get; set; } = openedAt;

    public int Channels { get; set; }

    /// <summary>Takes no new commands; closed when its last one ends.</summary>
    public bool Retired { get; set; }

    public bool Usable => !Retired && (!Opening.IsCompleted || (Opening.IsCompletedSuccessfully && Opening.Result.IsConnected));
}
