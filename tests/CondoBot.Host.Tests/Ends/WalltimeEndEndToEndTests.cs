using CondoBot.Testing;

namespace CondoBot.Host.Tests.Ends;

[CollectionDefinition(nameof(WalltimeEndCollection))]
public sealed class WalltimeEndCollection;

/// <summary>A short session's walltime end on the real local cluster, with the service's default poll cycles.</summary>
[Collection(nameof(WalltimeEndCollection))]
public sealed class WalltimeEndEndToEndTests
{
    private const string Login = "condouser";

    [Fact]
    public async Task AWalltimeEnd_IsToldWithinTenSecondsOfSlurmsEndTime_AndTheFollowOnIsReadyOnlyAfterThatNotice()
    {
        using var rig = await EndRig.StartAsync(Login, TimeSpan.FromSeconds(30));
        var ready = await rig.StartSessionAsync($"start -A birthright -p {PrintedTunnel.FreePort()} -t 0:02:00 --keep-alive");
        var job = ready.Groups["job"].Value;

        var (notice, at) = await rig.EndedAsync(job, TimeSpan.FromMinutes(4), ready.Index);
        Assert.Contains("walltime reached", notice.Value, StringComparison.Ordinal);
        var end = rig.SlurmEndTime(job);
        Assert.True(at - end <= TimeSpan.FromSeconds(10), $"told {(at - end).TotalSeconds:F1} s after Slurm's end time: {notice.Value}");

        var next = await rig.Bot.WaitForAsync($@"JupyterLab is ready again on {rig.Cluster.Node} \(follow-on job (?<job>\d+), continuing job {job}\b", TimeSpan.FromSeconds(90), ready.Index + ready.Length);
        Assert.True(next.Index > notice.Index, "the follow-on's ready message came before its predecessor's ended notice");
        rig.Bot.Type($"stop {next.Groups["job"].Value}");
        await rig.EndedAsync(next.Groups["job"].Value, TimeSpan.FromSeconds(60), next.Index);
    }
}
