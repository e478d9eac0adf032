using CondoBot.Core.Identity;

namespace CondoBot.Core.Tests.Fakes;

internal sealed class MemoryKeyVault : IKeyVault
{
    private readonly Dictionary<ChatUserId, UserLink> _links = [];

    public Task<UserLink> IssueAsync(ChatUserId user, ClusterUser login, CancellationToken cancellationToken)
    {
        var link = new UserLink(user, login, $"ssh-ed25519 AAAAC3Nza{_links.Count} condobot-{user.Platform}-{user.Id}", DateTimeOffset.UnixEpoch);
        _links[user] = link;
        return Task.FromResult(link);
    }

    public Task<UserLink?> FindAsync(ChatUserId user, CancellationToken cancellationToken) =>
        Task.FromResult(_links.GetValueOrDefault(user));

    public Task<bool> RevokeAsync(ChatUserId user, CancellationToken cancellationToken) => Task.FromResult(_links.Remove(user));
}
