using CondoBot.Cluster.Gate;
using CondoBot.Cluster.Keys;
using CondoBot.Cluster.Slurm;
using CondoBot.Cluster.Ssh;
using CondoBot.Core;
using CondoBot.Core.Clusters;
using CondoBot.Core.Identity;
using CondoBot.Testing;
using Microsoft.AspNetCore.DataProtection;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// One cluster login as the bot sees it through the gate: a fresh delegated key, authorized with the printed line run
/// as that user, and the Slurm seam over SSH with it. Disposing removes the key's line again.
/// </summary>
internal sealed class GatedLogin : IDisposable
{
    private readonly string _login;
    private readonly ChatUserId _user;
    private readonly SlurmOverSsh _rig;

    private GatedLogin(string login, ChatUserId user, SlurmOverSsh rig)
    {
        _login = login;
        _user = user;
        _rig = rig;
    }

    public Actor Actor => new(_user, new ClusterUser(_login), "local");

    public SlurmCluster Slurm => _rig.Slurm;

    public SshRunner Ssh => _rig.Ssh;

    /// <param name="purpose">Names the test's chat user (for the key's comment and the logs).</param>
    public static async Task<GatedLogin> AuthorizeAsync(string login, string purpose, ClusterProfile profile)
    {
        var vault = new KeyVault(new MemoryKeyStore(), new EphemeralDataProtectionProvider(), TimeProvider.System);
        var user = new ChatUserId("test", purpose + "-" + Guid.NewGuid().ToString("N")[..8]);
        var link = await vault.IssueAsync(user, new ClusterUser(login), CancellationToken.None);
        AuthorizedKey.RunAs(login, new GateInstallation(new ClusterCatalog([profile])).Command(link, profile));
        return new GatedLogin(login, user, new SlurmOverSsh(profile, vault));
    }

    /// <summary>Polls the job as the bot does until <paramref name="until"/> holds, or fails after <paramref name="within"/>.</summary>
    public async Task<JobSnapshot> WaitAsync(SlurmJobId job, SessionId session, Func<JobSnapshot, bool> until, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var snapshot = (await Slurm.GetJobAsync(Actor, job, session, CancellationToken.None)).Value!;
            if (until(snapshot)) return snapshot;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {job} did not get there within {within}; last seen {snapshot}");
            await Task.Delay(500);
        }
    }

    public void Dispose()
    {
        _rig.Dispose();
        LocalCluster.Deauthorize(_login, KeyVault.Comment(_user));
    }
}
