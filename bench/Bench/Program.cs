using OrleansConsistency.Bench.ClusterBenchmarks;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.Bench.HttpBenchmarks;
using OrleansConsistency.Bench.RuntimeBenchmarks;
using OrleansConsistency.Bench.SettlementBenchmarks;
using OrleansConsistency.Bench.SseBenchmarks;
using OrleansConsistency.Bench.StorageBenchmarks;

// Each suite prints Markdown: the machine and the exact command first, so that a pasted report says how to
// reproduce it. Suites are added here by name.
var suites = new Dictionary<string, Func<BenchArguments, TextWriter, Task>>(StringComparer.OrdinalIgnoreCase)
{
    ["runtime"] = RuntimeSuite.RunAsync,
    ["storage"] = StorageSuite.RunAsync,
    ["settlement"] = SettlementSuite.RunAsync,
    ["http"] = HttpSuite.RunAsync,
    ["cluster"] = ClusterSuite.RunAsync,
    ["sse"] = SseSuite.RunAsync,
};

// The http suite's baseline server, started by the suite as a child process: it prints its address, not a report.
if (args.Length > 0 && args[0] == PlainServer.SuiteName)
{
    await PlainServer.RunAsync(new BenchArguments(args[1..]), Console.Out);
    return 0;
}

if (args.Length == 0 || !suites.TryGetValue(args[0], out var suite))
{
    await Console.Error.WriteLineAsync(
        $"Usage: dotnet run -c Release --project bench/Bench -- <suite> [--name value ...]; suites: {string.Join(", ", suites.Keys)}.");
    return 2;
}

var output = Console.Out;
await output.WriteLineAsync($"## Benchmarks: {args[0]}");
await output.WriteLineAsync();
await output.WriteLineAsync($"Command: `dotnet run -c Release --project bench/Bench -- {string.Join(' ', args)}`");
await output.WriteLineAsync();
foreach (var line in MachineInfo.Describe())
{
    await output.WriteLineAsync(line);
}

await output.WriteLineAsync();
await suite(new BenchArguments(args[1..]), output);
return 0;
