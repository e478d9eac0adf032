using CondoBot.Testing;

namespace CondoBot.Cluster.Tests;

/// <summary>The job script's record of JupyterLab's activity, and the gate verbs that return it.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GateActivityTests : IDisposable
{
    private const string Session = "0123456789abcdef0123456789abcdef";

    private readonly GateHome _home = new(new Core.Clusters.ClusterProfile { Name = "test", LoginHost = "login", LaunchCommand = "jupyter lab" });

    public void Dispose() => _home.Dispose();

    [Fact]
    public void TheJobScript_RecordsActivityEveryHalfMinuteWhileJupyterLabRuns_AndRemovesTheFileAtItsEnd()
    {
        Assert.Equal(0, _home.Run($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00").Exit);
        var script = File.ReadAllText(Path.Combine(_home.Dir, "sbatch.script"));

        Assert.Contains($"activity=\"$HOME/.condobot/{Session}.activity\"", script, StringComparison.Ordinal);
        Assert.Contains("( while kill -0 \"$pid\" 2>/dev/null; do lab_activity; sleep 30; done ) &", script, StringComparison.Ordinal);
        Assert.Contains("rm -f \"$conn\" \"$conn.tmp\" \"$activity\" \"$activity.tmp\"", script, StringComparison.Ordinal);
    }

    [Fact]
    public void AJupyterLabThatDoesNotAnswer_LeavesNoActivityFile()
    {
        Assert.Equal(0, _home.Run($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00").Exit);
        var script = File.ReadAllText(Path.Combine(_home.Dir, "sbatch.script"));
        var start = script.IndexOf("lab_activity() {", StringComparison.Ordinal);
        var end = script.IndexOf("\n}\n", start, StringComparison.Ordinal);
        var activity = Path.Combine(_home.Dir, "lab.activity");

        LocalCluster.Run("bash", ["-c", $"activity='{activity}'\nlab_get() {{ return 22; }}\n{script[start..(end + 2)]}\nlab_activity"]);

        Assert.False(File.Exists(activity));
    }

    /// <summary>The job script's <c>lab_activity</c>, run by bash with a stand-in <c>lab_get</c> answering with JupyterLab's recorded JSON.</summary>
    private string RunLabActivity(string status, string kernels)
    {
        Assert.Equal(0, _home.Run($"submit cluster=test session={Session} port=23456 nodes=1 time=00:30:00").Exit);
        var script = File.ReadAllText(Path.Combine(_home.Dir, "sbatch.script"));
        var start = script.IndexOf("lab_activity() {", StringComparison.Ordinal);
        var end = script.IndexOf("\n}\n", start, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "the job script defines lab_activity");
        var activity = Path.Combine(_home.Dir, "lab.activity");
        File.WriteAllText(Path.Combine(_home.Dir, "status.json"), status);
        File.WriteAllText(Path.Combine(_home.Dir, "kernels.json"), kernels);
        var test = $"""
            activity='{activity}'
            lab_get() {"{"} case $1 in /api/status) cat '{_home.Dir}/status.json' ;; /api/kernels\?no_track_activity=1) cat '{_home.Dir}/kernels.json' ;; *) return 7 ;; esac; {"}"}
            {script[start..(end + 2)]}
            lab_activity
            """;
        LocalCluster.Run("bash", ["-c", test]);
        return File.ReadAllText(activity);
    }

    [Fact]
    public void TheJobScript_RecordsLastActivityInEpochSeconds_TheConnections_AndHowManyKernelsAreBusy()
    {
        var text = RunLabActivity(
            """{"connections": 2, "kernels": 2, "last_activity": "2026-12-01T12:00:00.123456Z", "started": "2026-12-01T11:00:00.000000Z"}""",
            """[{"id": "a", "name": "python3", "last_activity": "2026-12-01T12:00:00.000000Z", "execution_state": "busy", "connections": 1}, {"id": "b", "name": "python3", "last_activity": "2026-12-01T11:30:00.000000Z", "execution_state": "idle", "connections": 1}]""");

        var values = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal("1796126400", values["last_activity"]);
        Assert.Equal("2", values["connections"]);
        Assert.Equal("1", values["busy_kernels"]);
        Assert.Equal("2", values["kernels"]);
        Assert.InRange(long.Parse(values["checked"], System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public void TheJobScript_RecordsAnIdleLabWithNoKernels_AsNoneBusy()
    {
        var text = RunLabActivity("""{"connections": 0, "kernels": 0, "last_activity": "2026-12-01T12:00:00.000000Z", "started": "2026-12-01T12:00:00.000000Z"}""", "[]");

        Assert.Contains("busy_kernels=0\n", text, StringComparison.Ordinal);
        Assert.Contains("kernels=0\n", text, StringComparison.Ordinal);
        Assert.Contains("connections=0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void BoardAndPoll_ReturnTheActivityFileAfterTheConnectionFile()
    {
        File.WriteAllText(Path.Combine(_home.Dir, ".condobot", Session + ".conn"), "node=node001\nport=23456\n");
        File.WriteAllText(Path.Combine(_home.Dir, ".condobot", Session + ".activity"), "last_activity=1796126400\nbusy_kernels=0\n");

        var board = _home.Run($"board {Session}", new Dictionary<string, string> { ["STANDIN_OUT"] = "7|RUNNING|node001|29:00|N/A|None\n" });
        var poll = _home.Run($"poll 7 {Session}", new Dictionary<string, string> { ["STANDIN_OUT"] = "7|RUNNING|node001|29:00|N/A|None\n" });

        Assert.Equal(
            [$".condobot/{Session}.conn:node=node001", $".condobot/{Session}.conn:port=23456",
             $".condobot/{Session}.activity:last_activity=1796126400", $".condobot/{Session}.activity:busy_kernels=0"],
            board.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[2..]);
        Assert.EndsWith("node=node001\nport=23456\nlast_activity=1796126400\nbusy_kernels=0\n", poll.Stdout, StringComparison.Ordinal);
    }
}
