using CondoBot.Core.Clusters;
using CondoBot.Core.Notices;

namespace CondoBot.Core.Identity;

/// <summary>The background half of <c>key check</c>: log in, and tell the user what happened and what to do.</summary>
public sealed class KeyCheck(IKeyVault keys, ICluster cluster, ClusterCatalog clusters, INoticeOutbox outbox)
{
    public async Task RunAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        var link = await keys.FindAsync(user, cancellationToken);
        if (link is null) return;
        var profile = clusters.Default;
        var result = await cluster.CheckLoginAsync(new Actor(user, link.Login, profile.Name), cancellationToken);
        var text = result.Succeeded
            ? $"Your key works: I logged in to {profile.LoginHost} as {link.Login} and the CondoBot gate there is up to date. `start` launches JupyterLab."
            : result.Problem.Kind switch
            {
                ProblemKind.NotAuthorized =>
                    $"I could not log in to {profile.LoginHost} as {link.Login}: the key is not authorized there. Run the line `key {link.Login}` gave you on the login node (or `key {link.Login}` again for a new one).",
                ProblemKind.GateOutdated => result.Problem.Message,
                _ => $"I could not check your key: {result.Problem.Message}",
            };
        await outbox.AddAsync(new TextNotice(user, text) { Suggests = result.Succeeded ? null : "key check" }, cancellationToken);
    }
}
