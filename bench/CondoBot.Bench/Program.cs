using CondoBot.Bench;

// bench/run.sh runs this after building in Release: `CondoBot.Bench REPO OUT.md [MICRO_RESULTS_DIR] [--only ack,cluster,memory|start] [--requests N]`.
var repo = Path.GetFullPath(args[0]);
var output = Path.GetFullPath(args[1]);
var micro = args.Length > 2 && !args[2].StartsWith("--", StringComparison.Ordinal) ? args[2] : null;
if (args.SkipWhile(a => a != "--requests").Skip(1).FirstOrDefault() is { } requests) AckBench.Requests = int.Parse(requests, System.Globalization.CultureInfo.InvariantCulture);
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault()?.Split(',') ?? ["ack", "cluster", "memory"];

var bench = new Bench(repo);
var report = new Report(DateTimeOffset.UtcNow);
try
{
    await using var slack = await FakeSlackApi.StartAsync();
    if (only.Contains("start"))
    {
        // For profiling: the service's start rows alone, no Bolt; the report gets only those.
        Console.WriteLine("Slack acknowledgement latency, start only");
        var (rows, cost) = await Acks.RunAsync(bench, slack, startOnly: true);
        report.Ack.AddRange(rows);
        report.StartCost = cost;
    }

    if (only.Contains("ack"))
    {
        Console.WriteLine("Slack acknowledgement latency");
        var (rows, cost) = await Acks.RunAsync(bench, slack);
        report.Ack.AddRange(rows);
        report.StartCost = cost;
    }

    if (only.Contains("cluster"))
    {
        Console.WriteLine("Ready-to-message latency and login-node cost on the local cluster");
        (report.Ready, report.Cost) = await ClusterBench.RunAsync(bench, slack, sessions: 6);
    }

    if (only.Contains("memory"))
    {
        Console.WriteLine("Start-up and memory");
        report.Memory = await MemoryBench.RunAsync(bench, slack.ApiBaseUrl);
    }
}
finally
{
    bench.Dispose();
}

var findings = Path.Combine(repo, "bench/CondoBot.Bench/AckFindings.md");
if (report.Ack.Count > 0 && File.Exists(findings)) report.AckFindings = await File.ReadAllTextAsync(findings);
if (micro is not null) report.MicroReports.AddRange(Directory.Exists(micro) ? Directory.GetFiles(micro, "*-report-github.md").Order() : []);
await File.WriteAllTextAsync(output, report.Render());
Console.WriteLine("Wrote " + output);
