using System.Collections.Concurrent;
using CondoBot.Core.Notices;

namespace CondoBot.Teams.Tests.Fakes;

public sealed class MemoryChatState : IChatStateStore
{
    public ConcurrentDictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    public Task<string?> GetAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(Values.TryGetValue(key, out var v) ? v : null);

    public Task PutAsync(string key, string value, CancellationToken cancellationToken)
    {
        Values[key] = value;
        return Task.CompletedTask;
    }

    public Task<bool> TryAddAsync(string key, string value, CancellationToken cancellationToken) => Task.FromResult(Values.TryAdd(key, value));

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        Values.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> KeysAsync(string prefix, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. Values.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).Take(limit)]);
}
