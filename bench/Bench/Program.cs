using System.CommandLine;
using OrleansConsistency.Bench.ClusterBenchmarks;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.Bench.HttpBenchmarks;
using OrleansConsistency.Bench.RuntimeBenchmarks;
using OrleansConsistency.Bench.SettlementBenchmarks;
using OrleansConsistency.Bench.SseBenchmarks;
using OrleansConsistency.Bench.StorageBenchmarks;

// Each suite prints Markdown on stdout: the machine and the exact command first, so that a pasted report says how to
// reproduce it. Progress goes to stderr (BenchProgress), so stdout can be redirected to a results file as it is.
var root = new RootCommand("The project's benchmarks: one command per suite, each printing a Markdown report. `<suite> --help` lists a suite's options.")
{
    Suite("runtime", "In-memory grain calls, and durable writes with and without group commit on SQLite and PostgreSQL.", RuntimeSuite.RunAsync, RuntimeSuite.Options),
    Suite("storage", "The project's grain storage against Orleans' ADO.NET provider, on PostgreSQL (and SQLite).", StorageSuite.RunAsync, StorageSuite.Options),
    Suite("settlement", "Accept and accept-to-settled latency under an open-loop rate, per storage and silo count.", SettlementSuite.RunAsync, SettlementSuite.Options),
    Suite("http", "The HTTP API under wrk (or the built-in load), against a plain ASP.NET Core server on the same database.", HttpSuite.RunAsync, HttpSuite.Options),
    Suite("cluster", "Silo processes on PostgreSQL: throughput, recovery after SIGKILL, submit-to-settled, or a soak.", ClusterSuite.RunAsync, ClusterSuite.Options),
    Suite("sse", "Many open event streams: time to open, fan-out latency and memory.", SseSuite.RunAsync, SseSuite.Options),
    PlainServerCommand(),
};

return await root.Parse(args).InvokeAsync();

Command Suite(string name, string description, Func<ParseResult, TextWriter, Task> run, IReadOnlyList<Option> options)
{
    var command = new Command(name, description);
    foreach (var option in options)
    {
        command.Options.Add(option);
    }

    command.SetAction(async parse =>
    {
        var output = Console.Out;
        await output.WriteLineAsync($"## Benchmarks: {name}");
        await output.WriteLineAsync();
        await output.WriteLineAsync($"Command: `dotnet run -c Release --project bench/Bench -- {string.Join(' ', args)}`");
        await output.WriteLineAsync();
        foreach (var line in MachineInfo.Describe())
        {
            await output.WriteLineAsync(line);
        }

        await output.WriteLineAsync();
        await run(parse, output);
    });
    return command;
}

// The http suite's baseline server, started by the suite as a child process: it prints its address, not a report.
Command PlainServerCommand()
{
    var command = new Command(PlainServer.SuiteName, "The http suite's baseline server (started by the suite).") { Hidden = true };
    foreach (var option in PlainServer.Options)
    {
        command.Options.Add(option);
    }

    command.SetAction(parse => PlainServer.RunAsync(parse, Console.Out));
    return command;
}
