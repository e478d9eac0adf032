using System.Collections.Concurrent;
using CondoBot.Core.Notices;

namespace CondoBot.Slack.Tests.Fakes;

/// <summary>The chat state in memory, for tests of the notifier without a database.</summary>
public sealed class MemoryChatState : IChatStateStore
{
    public ConcurrentDictionary<string, string> Values { get; } = new();

    public Task<string?> GetAsync(string key, CancellationToken cancellationToken) => Task.FromResult(Values.GetValueOrDefault(key));

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
