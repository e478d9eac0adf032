using Renci.SshNet;

namespace CondoBot.Cluster.Ssh;

/// <summary>
/// One command's use of a pooled connection: a channel slot on it, given back on dispose. A lease whose command hit a
/// connection failure marks the connection broken, so nobody else is handed it.
/// </summary>
internal sealed class SshLease(LoginConnections owner, PoolSlot slot, SshConnection connection, bool fresh) : IDisposable
{
    private int _disposed;

    public SshClient Client => connection.Client;

    /// <summary>Opened for this lease (not reused): a failure on it is not a stale connection's.</summary>
    public bool Fresh { get; } = fresh;

    public void MarkBroken() => owner.Retire(slot);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Return(slot);
    }
}
