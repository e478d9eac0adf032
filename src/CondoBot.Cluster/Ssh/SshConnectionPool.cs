using System.Collections.Concurrent;
using CondoBot.Cluster.Keys;
using CondoBot.Core;
using Microsoft.Extensions.Options;

namespace CondoBot.Cluster.Ssh;

/// <summary>Whose connections: one delegated key (its chat user's), as one login, on one cluster.</summary>
internal readonly record struct PoolKey(string Cluster, string Login, ChatUserId User);

/// <summary>
/// Keeps SSH connections to login nodes open between commands and poll cycles, per (cluster, login, delegated key):
/// a login costs the login node one connection (with keep-alives) instead of one per command. Idle connections close
/// after <see cref="LoginNodeOptions.IdleTimeout"/>, every connection after <see cref="LoginNodeOptions.ConnectionLifetime"/>,
/// and all of a user's at once when their key is revoked or replaced.
/// </summary>
public sealed class SshConnectionPool : IDisposable
{
    private readonly ConcurrentDictionary<PoolKey, LoginConnections> _logins = new();
    private readonly LoginNodeOptions _options;
    private readonly TimeProvider _time;
    private readonly KeyVault _vault;
    private readonly ITimer _sweeper;

    public SshConnectionPool(IOptions<LoginNodeOptions> options, KeyVault vault, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _vault = vault;
        _vault.KeyChanged += Drop;
        var every = TimeSpan.FromTicks(Math.Clamp(_options.IdleTimeout.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        _sweeper = time.CreateTimer(_ => Sweep(), null, every, every);
    }

    public LoginNodeOptions Options => _options;

    internal Task<SshLease> LeaseAsync(PoolKey key, byte[] identity, Func<Task<SshConnection>> open, CancellationToken cancellationToken) =>
        _logins.GetOrAdd(key, _ => new LoginConnections(_options, _time)).LeaseAsync(identity, open, cancellationToken);

    /// <summary>Closes every connection made with this user's key, so a revoked or replaced key does nothing more.</summary>
    public void Drop(ChatUserId user)
    {
        foreach (var (key, logins) in _logins)
        {
            if (key.User == user) logins.CloseAll();
        }
    }

    /// <summary>Connections open now with this user's key (for tests and diagnostics).</summary>
    public int OpenConnections(ChatUserId user) => _logins.Where(p => p.Key.User == user).Sum(p => p.Value.OpenConnections);

    /// <summary>Whether any connection to this cluster is open now (so its login node answered lately).</summary>
    internal bool HasOpen(string cluster) => _logins.Any(p => string.Equals(p.Key.Cluster, cluster, StringComparison.OrdinalIgnoreCase) && p.Value.OpenConnections > 0);

    /// <summary>Closes idle, old and dead connections.</summary>
    public void Sweep()
    {
        foreach (var logins in _logins.Values) logins.Sweep();
    }

    public void Dispose()
    {
        _vault.KeyChanged -= Drop;
        _sweeper.Dispose();
        foreach (var logins in _logins.Values) logins.DisposeAll();
    }
}
