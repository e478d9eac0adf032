using CondoBot.Core;
using CondoBot.Core.Sessions;

namespace CondoBot.Teams.Activities;

/// <summary>
/// What the start form shows before anyone types: the person's last choices on the cluster they used last (see
/// <see cref="LastChoices"/>), or else the default cluster's defaults.
/// </summary>
public sealed class StartFormDefaults(LastChoices choices)
{
    public async Task<IReadOnlyDictionary<string, string>> ForAsync(ChatUserId user, CancellationToken cancellationToken)
    {
        var c = await choices.ForAsync(user, null, cancellationToken);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cluster"] = c.Cluster.Name,
            ["account"] = c.Account ?? c.Cluster.DefaultAccount,
            ["partition"] = c.Partition ?? "",
            ["walltime"] = c.Walltime.ToSlurm(),
            ["nodes"] = c.Nodes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["gpus"] = c.Gpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["environment"] = c.Environment ?? StartForm.DefaultChoice,
            ["idle"] = c.Idle switch
            {
                null => StartForm.DefaultChoice,
                { } off when off == TimeSpan.Zero => c.Cluster.IdleAfter is null ? StartForm.DefaultChoice : "off",
                { } t => IdleChoices.Flag(t),
            },
            [StartForm.KeepAliveId] = "false",
        };
    }
}
