using BenchmarkDotNet.Attributes;
using CondoBot.Core.Commands;

namespace CondoBot.Benchmarks;

/// <summary>The command parser on what people type most: a full start, a bare status, and a refused flag.</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    [Benchmark]
    public ParseResult Start() => CommandParser.Parse("start -A cnms -n 1 -p 8888 -t 2:00:00 --partition batch --keep-alive");

    [Benchmark]
    public ParseResult Status() => CommandParser.Parse("status");

    [Benchmark]
    public ParseResult Refused() => CommandParser.Parse("start --walltime 2:00:00");
}
