namespace CondoBot.Core.Notices;

/// <summary>
/// Small durable facts a front door keeps about its platform (a session's status message id, a user's conversation
/// reference, request ids already handled), by key. Keys are namespaced by the front door, e.g. <c>slack:msg:SESSION</c>.
/// </summary>
public interface IChatStateStore
{
    Task<string?> GetAsync(string key, CancellationToken cancellationToken);

    Task PutAsync(string key, string value, CancellationToken cancellationToken);

    /// <summary>Stores the value only if the key is new; answers false when it already existed (a retried request).</summary>
    Task<bool> TryAddAsync(string key, string value, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every key that starts with <paramref name="prefix"/>, at most <paramref name="limit"/>, in key order.</summary>
    Task<IReadOnlyList<string>> KeysAsync(string prefix, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Takes <paramref name="key"/> (stores it with an empty value) for a request about to run: a store that can
    /// adds it inside the request's first write (the command's own record), so the guard and what it guards share one
    /// commit, and that write fails with <see cref="ChatStateKeyTakenException"/>, storing nothing, if the key was
    /// taken already. This default takes it at once, in a write of its own, and throws then. Call it from the method
    /// that goes on to run the request (the claim follows that method's calls), and dispose it when the request is done.
    /// </summary>
    async Task<IChatStateClaim> ClaimAsync(string key, CancellationToken cancellationToken) =>
        await TryAddAsync(key, "", cancellationToken) ? new TakenClaim() : throw new ChatStateKeyTakenException(key);

    private sealed class TakenClaim : IChatStateClaim
    {
        public bool StoredWithRequest => false;

        public Task EnsureTakenAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}

/// <summary>A key taken for a request (<see cref="IChatStateStore.ClaimAsync"/>).</summary>
public interface IChatStateClaim : IDisposable
{
    /// <summary>
    /// True once the key was added inside one of the request's own writes: the request has stored something, so the
    /// key must stay even if the request fails later (a retry must not run it again).
    /// </summary>
    bool StoredWithRequest { get; }

    /// <summary>
    /// Adds the key now if no write of the request has added it yet (a request that stored nothing); throws
    /// <see cref="ChatStateKeyTakenException"/> if it was taken already.
    /// </summary>
    Task EnsureTakenAsync(CancellationToken cancellationToken);
}

/// <summary>The key was taken by an earlier delivery of the same request; nothing of this one was stored.</summary>
public sealed class ChatStateKeyTakenException(string key) : Exception($"The chat state key {key} was already taken.")
{
    public string Key { get; } = key;
}
