using System.Collections.Concurrent;
using CondoBot.Cluster.Keys;
using CondoBot.Cluster.Ssh;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using Microsoft.Extensions.Options;

namespace CondoBot.Cluster.Slurm;

/// <summary>
/// A <see cref="JobBoard"/> per (cluster, login, delegated key): whose key looked is whose answer it is, so a look
/// taken with one person's key never answers another's poll. A revoked or replaced key's boards are forgotten.
/// </summary>
public sealed class JobBoards : IDisposable
{
    private readonly ConcurrentDictionary<PoolKey, JobBoard> _boards = new();
    private readonly KeyVault _vault;
    private readonly TimeProvider _time;

    public JobBoards(IOptions<LoginNodeOptions> options, KeyVault vault, TimeProvider time)
    {
        MaxAge = options.Value.SqueueMaxAge;
        _vault = vault;
        _time = time;
        _vault.KeyChanged += Forget;
    }

    public TimeSpan MaxAge { get; }

    internal JobBoard For(Actor actor) =>
        _boards.GetOrAdd(new PoolKey(actor.Cluster, actor.Login.Value, actor.ChatUser), _ => new JobBoard(_time));

    private void Forget(ChatUserId user)
    {
        foreach (var key in _boards.Keys.Where(k => k.User == user)) _boards.TryRemove(key, out _);
    }

    public void Dispose() => _vault.KeyChanged -= Forget;
}
