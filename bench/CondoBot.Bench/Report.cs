using System.Globalization;
using System.Text;
using static CondoBot.Bench.Stats;

namespace CondoBot.Bench;

/// <summary>docs/benchmarks.md: the machine, then one table per benchmark, then each target as met or missed by how much.</summary>
internal sealed class Report(DateTimeOffset date)
{
    public List<AckRow> Ack { get; } = [];

    /// <summary>The service's counters per start over the start rows; null when the ack part did not run.</summary>
    public StartCost? StartCost { get; set; }

    /// <summary>What profiling found about start's acknowledgement (AckFindings.md beside the bench code).</summary>
    public string? AckFindings { get; set; }
    public ReadyResult? Ready { get; set; }
    public LoginCostResult? Cost { get; set; }
    public MemoryResult? Memory { get; set; }
    public List<string> MicroReports { get; } = [];

    public string Render()
    {
        var s = new StringBuilder();
        s.AppendLine("# Benchmarks").AppendLine();
        s.AppendLine("Written by `bash bench/run.sh` (see the README's Benchmarks section); do not edit by hand. Latencies in milliseconds.").AppendLine();
        s.AppendLine(Inv($"- Date: {date:yyyy-MM-dd HH:mm} UTC; commit {Git("rev-parse --short HEAD")}"));
        s.AppendLine(Inv($"- Machine: {Environment.ProcessorCount} cores ({CpuModel()}), {MemoryGiB():F1} GiB memory, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}"));
        s.AppendLine(Inv($"- .NET {Environment.Version}, Node {Shell("node", "--version").Trim()}, @slack/bolt 5.1.0"));
        s.AppendLine("- Shared machine: other sessions' builds and tests (and their jobs on the local cluster) ran at the same time, so absolute numbers are noisy; compare rows of the same run.").AppendLine();
        if (Ack.Count > 0) RenderAck(s);
        if (Ack.Count > 0) RenderStartTime(s);
        if (Ready is not null) RenderReady(s);
        if (Cost is not null) RenderCost(s);
        if (Memory is not null) RenderMemory(s);
        if (MicroReports.Count > 0) RenderMicro(s);
        return s.ToString();
    }

    private void RenderAck(StringBuilder s)
    {
        s.AppendLine("## Slack acknowledgement latency").AppendLine();
        s.AppendLine("Signed `/condo` slash commands (fresh timestamp and trigger id each) from a closed-loop C# client on loopback; the " +
            "service runs as in production (Release, Kestrel, SQLite, Slack Web API at a fake on loopback); Bolt is `bench/bolt/app.js` " +
            "(HTTP receiver, acks an ephemeral reply). Client, service and Bolt share the same 2 cores. `start` is for a linked user and " +
            "enqueues a background submission (to an unreachable login node, which fails fast and gives up after 1 s).").AppendLine();
        s.AppendLine("| target | command | concurrency | requests | median | p99 | max | req/s | failed |");
        s.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in Ack)
        {
            s.AppendLine(Inv($"| {r.Target} | `{r.Command}` | {r.Concurrency} | {r.Latency.Count} | {F(r.Latency.Median)} | {F(r.Latency.P99)} | {F(r.Latency.Max)} | {r.PerSecond:F0} | {r.Failed} |"));
        }

        s.AppendLine().AppendLine("Targets at concurrency 64 (p99 under 50 ms, and at or below Bolt's p99 for the same payloads):").AppendLine();
        foreach (var row in Ack.Where(r => r.Target == "CondoBot" && r.Concurrency == 64))
        {
            var bolt = Ack.FirstOrDefault(r => r.Target == "Bolt" && r.Command == row.Command && r.Concurrency == 64);
            var absolute = row.Latency.P99 < 50 ? "met" : Inv($"missed by {row.Latency.P99 - 50:F1} ms");
            var relative = bolt is null ? "no Bolt row" : row.Latency.P99 <= bolt.Latency.P99 ? Inv($"met (Bolt {F(bolt.Latency.P99)})") : Inv($"missed: {row.Latency.P99 / bolt.Latency.P99:F1}x Bolt's {F(bolt.Latency.P99)}");
            s.AppendLine(Inv($"- `{row.Command}`: p99 {F(row.Latency.P99)} ms: under 50 ms {absolute}; vs Bolt {relative}."));
        }

        s.AppendLine();
    }

    /// <summary>Ceilings a start's cost is held to; the findings text says where each comes from.</summary>
    internal const double P99Target = 50, RateTarget = 2000, CommitsTarget = 1, WritesTarget = 6, JobsTarget = 1, StatesTarget = 4, AllocatedKiBTarget = 200;

    private void RenderStartTime(StringBuilder s)
    {
        s.AppendLine("## Where `start`'s acknowledgement time goes").AppendLine();
        if (AckFindings is not null) s.AppendLine(AckFindings.Trim()).AppendLine();
        var row = Ack.FirstOrDefault(r => r.Target == "CondoBot" && r.Command.StartsWith("start", StringComparison.Ordinal) && r.Concurrency == 64);
        var bolt = Ack.FirstOrDefault(r => r.Target == "Bolt" && r.Command.StartsWith("start", StringComparison.Ordinal) && r.Concurrency == 64);
        s.AppendLine("Measured in this run, each against its target" + (StartCost is { } c0 ? Inv($" (the counters are the service's own, per start over the {c0.Starts} starts of the `start` rows, its background work in that time included)") : "") + ":").AppendLine();
        if (row is not null)
        {
            s.AppendLine(Inv($"- p99 at 64 concurrent: {F(row.Latency.P99)} ms (Bolt {(bolt is null ? "not run" : F(bolt.Latency.P99))}); target at most {P99Target:F0} ms: {AtMost(row.Latency.P99, P99Target, "ms")}."));
            s.AppendLine(Inv($"- starts per second at 64 concurrent: {row.PerSecond:F0}; target at least {RateTarget:F0} (what a {P99Target:F0} ms p99 needs in a closed loop of 64): {AtLeast(row.PerSecond, RateTarget, "per second")}."));
        }

        if (StartCost is { } c)
        {
            s.AppendLine(Inv($"- commits to the bot's SQLite file per start (each one fsync of its log, `synchronous = FULL`): {c.Commits:F2}; target at most {CommitsTarget:F0}: {AtMost(c.Commits, CommitsTarget, "")}."));
            s.AppendLine(Inv($"- writes per start (callers' units the commits held): {c.Writes:F2}; target at most {WritesTarget:F0}: {AtMost(c.Writes, WritesTarget, "")}."));
            s.AppendLine(Inv($"- Hangfire jobs created per start: {c.JobsCreated:F2}; target at most {JobsTarget:F0}: {AtMost(c.JobsCreated, JobsTarget, "")}."));
            s.AppendLine(Inv($"- Hangfire state changes per start (each a transaction in its file): {c.JobStateChanges:F2}; target at most {StatesTarget:F0}: {AtMost(c.JobStateChanges, StatesTarget, "")}."));
            s.AppendLine(Inv($"- CPU time of the service per start (user and system, `dotnet.process.cpu.time`, its background work included): {c.CpuMs:F2} ms; on 2 cores shared with the client, {RateTarget:F0} starts per second leave at most {1000.0 * 2 / RateTarget:F2} ms for everything: {AtMost(c.CpuMs, 1000.0 * 2 / RateTarget, "ms")}."));
            if (c.Drained is { } d)
            {
                var when = c.DrainSeconds >= 119
                    ? Inv($"read {c.DrainSeconds:F0} s after the rows, when the service was still working through them, so part of it")
                    : Inv($"read once the service was idle again, {c.DrainSeconds:F0} s after the rows; an upper bound, as it also holds what the warm-up left running");
                s.AppendLine(Inv($"- the same, with the background work the rows set off ({when}): CPU {d.CpuMs:F2} ms per start ({AtMost(d.CpuMs, 1000.0 * 2 / RateTarget, "ms")}), commits {d.Commits:F2}, writes {d.Writes:F2}, Hangfire jobs {d.JobsCreated:F2} ({AtMost(d.JobsCreated, JobsTarget, "")}) and state changes {d.JobStateChanges:F2} ({AtMost(d.JobStateChanges, StatesTarget, "")}), allocated {d.AllocatedBytes / 1024:F0} KiB."));
            }

            s.AppendLine(Inv($"- thread-pool threads left at a lowered priority after the rows (`condobot.threads.pool_lowered`; background threads run below the ones that answer requests, and must not pass that on): {c.PoolLowered:F0}; target 0: {AtMost(c.PoolLowered, 0, "")}."));
            s.AppendLine(Inv($"- bytes allocated per start (the runtime's `dotnet.gc.heap.total_allocated`): {c.AllocatedBytes / 1024:F0} KiB; target at most {AllocatedKiBTarget:F0} KiB: {AtMost(c.AllocatedBytes / 1024, AllocatedKiBTarget, "KiB")}; gen2 collections in the rows: {c.Gen2:F0}."));
        }

        s.AppendLine();
    }

    private static string AtMost(double value, double target, string unit) =>
        double.IsNaN(value) ? "not measured (the service did not report it)" : value <= target ? "met" : Inv($"missed by {value - target:F2}{(unit.Length > 0 ? " " + unit : "")}");

    private static string AtLeast(double value, double target, string unit) =>
        value >= target ? "met" : Inv($"missed by {target - value:F0} {unit}");

    private void RenderReady(StringBuilder s)
    {
        var r = Ready!;
        s.AppendLine("## Ready-to-message latency (local cluster)").AppendLine();
        s.AppendLine(Inv($"{r.Sessions} sessions one after another (`start -t 0:10:00`, then `stop`), service settings: {r.PollSettings}.") + " From JupyterLab answering on the node " +
            "(the connection file's mtime; its `ready=` field has whole seconds only, so that column reads up to 1 s high) to the \"JupyterLab is ready\" " +
            "message arriving at the fake Slack API. Same machine, same clock.");
        s.AppendLine().AppendLine("| measured from | sessions | median | p99 | max |").AppendLine("| --- | ---: | ---: | ---: | ---: |");
        s.AppendLine(Inv($"| connection file mtime | {r.FromFileMtimeMs.Count} | {F(r.FromFileMtimeMs.Median, 0)} | {F(r.FromFileMtimeMs.P99, 0)} | {F(r.FromFileMtimeMs.Max, 0)} |"));
        s.AppendLine(Inv($"| `ready=` (whole seconds) | {r.FromReadyFieldMs.Count} | {F(r.FromReadyFieldMs.Median, 0)} | {F(r.FromReadyFieldMs.P99, 0)} | {F(r.FromReadyFieldMs.Max, 0)} |"));
        var median = r.FromFileMtimeMs.Median;
        s.AppendLine().AppendLine(Inv($"Target median <= 2000 ms: {(median <= 2000 ? "met" : $"missed by {median - 2000:F0} ms")} ({r.FromFileMtimeMs.Count} sessions, a small sample).")).AppendLine();
    }

    private void RenderCost(StringBuilder s)
    {
        var c = Cost!;
        s.AppendLine("## Login-node cost (local cluster)").AppendLine();
        s.AppendLine(Inv($"Counted in the login node's sshd log by the bench's own key fingerprints (other tests share the node): SSH connections opened and remote commands run during each window, next to the polls (reads of one job's state) the service answered in it (`condobot_job_reads_total`). ")
            + Inv($"The issue's shape, {LoginCost.Users} users with {LoginCost.SessionsEach} sessions each: each user has their own delegated key, as {LoginCost.Users} people would, but the local cluster has only {c.Logins} logins, so the users share them (17, 17 and 16 keys per login); ")
            + "their sessions wait in a partition the bench creates down (`scontrol create`, deleted afterwards), so they poll as queued sessions do (adaptive: from every second up to every minute) without taking the shared node's CPUs. "
            + "A naive design opens one connection and runs one `squeue` per session per poll, so its cost is the poll count. A poll cycle is one poll of every session (polls / sessions).");
        s.AppendLine().AppendLine("| window | users | sessions | seconds | polls | poll cycles | SSH connections opened (kept from before, used) | remote commands | commands per user per poll cycle | commands per session-hour | naive: connections and commands per session-hour |");
        s.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var w in c.Windows)
        {
            s.AppendLine(Inv($"| {w.What} | {w.Users} | {w.Sessions} | {w.Seconds:F0} | {w.Polls} | {w.Cycles:F1} | {w.Connections} ({w.Kept}) | {w.Commands} | {w.PerUserPerCycle(w.Commands):F2} | {w.PerSessionHour(w.Commands):F0} | {w.PerSessionHour(w.Polls):F0} |"));
        }

        s.AppendLine();
        foreach (var w in c.Windows)
        {
            var saved = w.Polls == 0 ? double.NaN : w.Commands / (double)w.Polls;
            s.AppendLine(Inv($"- {w.What}: {w.Commands} commands where the naive design runs {w.Polls} ({F(saved * 100, 0)} %), and {w.Connections} connections opened where it opens {w.Polls}; target at most one `squeue` per user per poll cycle (and one more per user for the window's partial cycle), not counting the {w.Watches} end watches started in it: {(w.OneSqueuePerUserPerCycle ? "met" : "missed")} ({w.PerUserPerCycle((int)w.Squeues):F2})."));
        }

        s.AppendLine();
    }

    private void RenderMemory(StringBuilder s)
    {
        var m = Memory!;
        s.AppendLine("## Start-up and memory").AppendLine();
        s.AppendLine(Inv($"Resident memory (VmRSS) of the service process; {m.Tracked} sessions created by signed `start` commands from 250 linked users (4 each) against a login node that refuses connections, so every session stays active and retried. Start-up is from process start to `{m.ReadyPath}` answering 200 (storage reachable, and the local cluster's login node answering SSH with its pinned host key), fresh data folder each time."));
        s.AppendLine().AppendLine("| measure | value | target | verdict |").AppendLine("| --- | ---: | ---: | --- |");
        s.AppendLine(Inv($"| RSS idle | {m.IdleMiB:F0} MiB | <= 150 MB | {(m.IdleMiB * 1.048576 <= 150 ? "met" : "missed")} |"));
        s.AppendLine(Inv($"| RSS with {m.Tracked} sessions | {m.TrackedMiB:F0} MiB | <= 250 MB | {(m.TrackedMiB * 1.048576 <= 250 ? "met" : "missed")} |"));
        s.AppendLine(Inv($"| start-up to `{m.ReadyPath}`, median of {m.StartupMs.Count} | {F(m.StartupMs.Median, 0)} ms (max {F(m.StartupMs.Max, 0)}) | none | |")).AppendLine();
    }

    private void RenderMicro(StringBuilder s)
    {
        s.AppendLine("## Micro-benchmarks (BenchmarkDotNet, ShortRun)").AppendLine();
        foreach (var file in MicroReports)
        {
            var lines = File.ReadAllLines(file).SkipWhile(l => !l.StartsWith('|')).Where(l => l.StartsWith('|'));
            s.AppendLine("### " + Path.GetFileName(file).Replace("-report-github.md", "", StringComparison.Ordinal).Split('.')[^1]).AppendLine();
            foreach (var line in lines) s.AppendLine(line);
            s.AppendLine();
        }
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

    private static double MemoryGiB() =>
        long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;

    private static string Git(string args) => Shell("git", args.Split(' ')).Trim();

    private static string Shell(string file, params string[] args)
    {
        try
        {
            return LocalClusterFacts.Run(file, args);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
