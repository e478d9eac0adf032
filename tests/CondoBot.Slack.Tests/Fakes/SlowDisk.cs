using CondoBot.Core.Notices;

namespace CondoBot.Slack.Tests.Fakes;

/// <summary>
/// The real chat state store behind a disk that takes <see cref="Delay"/> per write, as a busy shared database does:
/// every command that changes something writes here (taking its trigger id, recording its reply; a start waits only for the first).
/// </summary>
public sealed class SlowDisk(IChatStateStore inner) : IChatStateStore
{
    public TimeSpan Delay { get; set; }

    /// <summary>While set, taking a new key fails as a full or locked disk would.</summary>
    public bool Failing { get; set; }

    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a write has failed because <see cref="Failing"/> was set: a test waits for it before clearing it.</summary>
    public Task Failed => _failed.Task;

    public Task<string?> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

    public async Task PutAsync(string key, string value, CancellationToken cancellationToken)
    {
        await PaceAsync();
        await inner.PutAsync(key, value, cancellationToken);
    }

    public async Task<bool> TryAddAsync(string key, string value, CancellationToken cancellationToken)
    {
        await PaceAsync();
        if (Failing)
        {
            _failed.TrySetResult();
            throw new IOException("disk full");
        }

        return await inner.TryAddAsync(key, value, cancellationToken);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    public Task<IReadOnlyList<string>> KeysAsync(string prefix, int limit, CancellationToken cancellationToken) => inner.KeysAsync(prefix, limit, cancellationToken);

    private Task PaceAsync() => Delay > TimeSpan.Zero ? Task.Delay(Delay) : Task.CompletedTask;
}
