using CondoBot.Core;
using CondoBot.Core.Identity;

namespace CondoBot.Cluster.Tests;

internal sealed class MemoryKeyStore : IDelegatedKeyStore
{
    public Dictionary<ChatUserId, DelegatedKeyRecord> Records { get; } = [];

    public Task PutAsync(DelegatedKeyRecord record, CancellationToken cancellationToken)
    {
        Records[record.User] = record;
        return Task.CompletedTask;
    }

    public Task<DelegatedKeyRecord?> GetAsync(ChatUserId user, CancellationToken cancellationToken) =>
        Task.FromResult(Records.GetValueOrDefault(user));

    public Task<bool> DeleteAsync(ChatUserId user, CancellationToken cancellationToken) => Task.FromResult(Records.Remove(user));
}
