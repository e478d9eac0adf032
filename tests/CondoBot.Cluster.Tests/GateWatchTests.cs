using System.Diagnostics;
using CondoBot.Core.Clusters;

namespace CondoBot.Cluster.Tests;

/// <summary>
/// The end markers a session's job leaves and the gate's watch verb that reports them, run by the real /bin/sh and
/// bash with stand-in Slurm commands (which record any call: the watch makes none).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GateWatchTests : IDisposable
{
    private const string First = "0123456789abcdef0123456789abcdef";
    private const string Second = "fedcba9876543210fedcba9876543210";

    private readonly string _lab = Path.Combine(Path.GetTempPath(), "condobot-fake-lab-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly GateHome _home;

    public GateWatchTests()
    {
        // A "JupyterLab" that never answers and runs until signalled: the job script waits for it as for the real one.
        File.WriteAllText(_lab, "#!/bin/sh\necho $$ > \"$HOME/lab.pid\"\nexec sleep 60\n");
        File.SetUnixFileMode(_lab, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        _home = new GateHome(new ClusterProfile { Name = "test", LoginHost = "login", LaunchCommand = _lab });
    }

    public void Dispose()
    {
        // The stand-in lab outlives the script (slurmd would signal it too); stop it by its own pid.
        var pid = Path.Combine(_home.Dir, "lab.pid");
        if (File.Exists(pid)) LocalClusterSignal.Term(int.Parse(File.ReadAllText(pid).Trim(), System.Globalization.CultureInfo.InvariantCulture));
        _home.Dispose();
        File.Delete(_lab);
    }

    private string Marker(string session) => Path.Combine(_home.Dir, ".condobot", session + ".ended");

    [Fact]
    public async Task Watch_TellsEachEndedSessionOnce_AsItsMarkerAppears_AndStopsWhenAllHaveEnded()
    {
        File.WriteAllText(Marker(First), "");
        var later = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            await File.WriteAllTextAsync(Marker(Second), "");
        });

        var clock = Stopwatch.StartNew();
        var run = _home.Run($"watch {First} {Second}");
        await later;

        Assert.Equal(0, run.Exit);
        Assert.Equal($"ended {First}\nended {Second}\n", run.Stdout);
        // Seen on the next look after it appeared (every 2 s), not on the next minute.
        Assert.InRange(clock.Elapsed.TotalSeconds, 3, 8);
        Assert.Empty(_home.Calls("squeue"));
    }

    [Fact]
    public void ASiteWideGateOfTheProtocolBeforeTheWatch_IsStillCurrent_AUserOwnedOneIsNot()
    {
        var siteWide = new ClusterProfile { Name = "test", Gate = "/opt/condobot/gate" };
        var userOwned = new ClusterProfile { Name = "test", LoginHost = "login" };

        Assert.True(CondoBot.Cluster.Gate.GateProgram.IsCurrent("condobot-gate 2 site", siteWide, [siteWide]));
        Assert.True(CondoBot.Cluster.Gate.GateProgram.IsCurrent("condobot-gate 3 site", siteWide, [siteWide]));
        Assert.False(CondoBot.Cluster.Gate.GateProgram.IsCurrent("condobot-gate 4 site", siteWide, [siteWide]));
        Assert.False(CondoBot.Cluster.Gate.GateProgram.IsCurrent($"condobot-gate 2 {CondoBot.Cluster.Gate.GateProgram.Build([userOwned])}", userOwned, [userOwned]));
    }

    [Theory]
    [InlineData("watch")]
    [InlineData("watch 123")]
    [InlineData("watch 0123456789abcdef0123456789abcdef ..")]
    public void Watch_OfAnythingButSessionIds_IsRefused(string request)
    {
        var run = _home.Run(request);

        Assert.Equal(126, run.Exit);
        Assert.Contains("watch takes session ids", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheJobScript_SignalledAsScancelAndTheWalltimeDo_LeavesItsEndMarkerWithinASecond()
    {
        var submitted = _home.Run($"submit cluster=test session={First} port=23456 nodes=1 time=10");
        Assert.Equal(0, submitted.Exit);
        var start = new ProcessStartInfo("bash") { WorkingDirectory = _home.Dir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(_home.Dir, "sbatch.script"));
        start.Environment["HOME"] = _home.Dir;
        start.Environment["SLURMD_NODENAME"] = "node001";
        using var job = Process.Start(start)!;
        // The script has started its lab and waits for it to answer.
        for (var i = 0; i < 50 && !File.Exists(Path.Combine(_home.Dir, ".condobot", First + ".token")); i++) await Task.Delay(100);
        Assert.False(File.Exists(Marker(First)), "the marker was there before the job ended");

        LocalClusterSignal.Term(job.Id);
        var clock = Stopwatch.StartNew();
        Assert.True(job.WaitForExit(5000), "the job script did not exit on SIGTERM");

        Assert.True(File.Exists(Marker(First)), "the job left no end marker");
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 1.5);
        Assert.False(File.Exists(Path.Combine(_home.Dir, ".condobot", First + ".token")), "the token file outlived the job");
    }
}

/// <summary>Sends SIGTERM, as slurmd does to a job's processes on scancel and at the walltime.</summary>
internal static class LocalClusterSignal
{
    public static void Term(int pid)
    {
        try
        {
            CondoBot.Testing.LocalCluster.Run("kill", "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (InvalidOperationException)
        {
            // Gone already.
        }
    }
}
