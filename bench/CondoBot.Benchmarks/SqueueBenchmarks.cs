using BenchmarkDotNet.Attributes;
using CondoBot.Cluster.Slurm;
using CondoBot.Core;
using CondoBot.Core.Clusters;

namespace CondoBot.Benchmarks;

/// <summary>Parsing a poll's output (squeue line, marker, connection file) and the find-by-session listing.</summary>
[MemoryDiagnoser]
public class SqueueBenchmarks
{
    private static readonly SlurmJobId Job = new(4242);
    private static readonly SessionId Session = SessionId.New();

    private static readonly string Running =
        "4242|RUNNING|node001|1:58:31|2026-11-29T10:00:00|None\n" + SlurmCommands.PollMarker + " 0 +0000\n" +
        "node=node001\nport=23456\ntoken=0123456789abcdef0123456789abcdef\nready=1764410400\n";

    private static readonly string Pending =
        "4242|PENDING|(null)|2:00:00|2026-11-29T16:40:00|Priority\n" + SlurmCommands.PollMarker + " 0 -0500\n";

    // A user with 20 jobs, the session's own last.
    private static readonly string Listing = string.Concat(Enumerable.Range(0, 19).Select(i => $"{4000 + i}|condobot:{SessionId.New()}\n"))
        + $"4242|{SlurmCommands.Comment(Session)}\n";

    [Benchmark]
    public JobSnapshot PollRunning() => SlurmOutput.ParsePoll(Running, Job);

    [Benchmark]
    public JobSnapshot PollPending() => SlurmOutput.ParsePoll(Pending, Job);

    [Benchmark]
    public SlurmJobId? FindBySession() => SlurmOutput.FindBySession(Listing, Session);
}
