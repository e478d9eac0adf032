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
}
