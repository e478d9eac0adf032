using BenchmarkDotNet.Running;

// `dotnet run -c Release -- --filter '*' --job short`; bench/run.sh passes the arguments.
BenchmarkSwitcher.FromAssembly(typeof(CondoBot.Benchmarks.ParserBenchmarks).Assembly).Run(args);
