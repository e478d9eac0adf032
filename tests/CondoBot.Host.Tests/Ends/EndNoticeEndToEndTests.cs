using System.Globalization;
using CondoBot.Testing;
using Xunit.Abstractions;

namespace CondoBot.Host.Tests.Ends;

[CollectionDefinition(nameof(OutsideEndsCollection))]
public sealed class OutsideEndsCollection;

/// <summary>
/// Ends that neither the bot nor the walltime caused, on the real local cluster with real JupyterLab: with the ready
/// cycle at two minutes, they are told within 10 s of Slurm's own end time only because the job's end marker is watched.
/// </summary>
[Collection(nameof(OutsideEndsCollection))]
public sealed class EndNoticeEndToEndTests(ITestOutputHelper output)
{
    private const string Login = "condouser3";
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SlowCycle = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task AnOutsideScancel_IsToldWithinTenSecondsOfSlurmsEndTime()
    {
        using var rig = await EndRig.StartAsync(Login, SlowCycle);
        var ready = await rig.StartSessionAsync($"start -A birthright -p {PrintedTunnel.FreePort()} -t 0:10:00");
        var job = ready.Groups["job"].Value;
        // Past the first looks after the ready message, so only the slow cycle or the watch can tell the end.
        await Task.Delay(TimeSpan.FromSeconds(5));

        rig.Cluster.Slurm("scancel", job);
        var (notice, at) = await rig.EndedAsync(job, TimeSpan.FromSeconds(60), ready.Index);

        var end = rig.SlurmEndTime(job);
        Assert.True(at - end <= Prompt, $"told {(at - end).TotalSeconds:F1} s after Slurm's end time: {notice.Value}");
    }

    [Fact]
    public async Task AShutDownFromJupyterLabsFileMenu_IsToldWithinTenSecondsOfSlurmsEndTime()
    {
        using var rig = await EndRig.StartAsync(Login, SlowCycle);
        var person = rig.Track(new UserKey(Login, rig.Cluster));
        var ready = await rig.StartSessionAsync($"start -A birthright -p {PrintedTunnel.FreePort()} -t 0:10:00");
        var job = ready.Groups["job"].Value;
        var port = int.Parse(ready.Groups["port"].Value, CultureInfo.InvariantCulture);
        // Watched from now on, so that the notice is timed when it is printed, not when the browser has closed.
        var ended = rig.EndedAsync(job, TimeSpan.FromMinutes(4), ready.Index);
        using (var tunnel = PrintedTunnel.Run(ready.Groups["inside"].Value, person))
        {
            try
            {
                await PrintedTunnel.WaitForPortAsync(port, tunnel);
                await Task.Delay(TimeSpan.FromSeconds(5));
                // The printed URL through the printed tunnel in a browser: File > Shut Down, and the confirmation accepted.
                var seen = await BrowserScript.RunAsync("shut-down-lab.mjs", ready.Groups["url"].Value, "shut-down-lab.png", output);
                Assert.EndsWith("JupyterLab", seen.GetProperty("title").GetString(), StringComparison.Ordinal);
                Assert.Equal("Shutdown confirmation", seen.GetProperty("confirmed").GetString());
            }
            finally
            {
                tunnel.Kill(entireProcessTree: true);
                await tunnel.WaitForExitAsync();
                // The workspace the visit saved, which the login's next JupyterLab would reopen.
                var workspaces = $"/home/{Login}/.jupyter/lab/workspaces";
                if (Directory.Exists(workspaces)) Directory.Delete(workspaces, recursive: true);
            }
        }

        var (notice, at) = await ended;
        var end = rig.SlurmEndTime(job);
        Assert.True(at - end <= Prompt, $"told {(at - end).TotalSeconds:F1} s after Slurm's end time: {notice.Value}");
    }
}
