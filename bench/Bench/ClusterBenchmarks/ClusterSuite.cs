using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.Bench.RuntimeBenchmarks;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.ClusterBenchmarks;

/// <summary>
/// Real silo processes (the Silo project's Release binary, <see cref="SiloCluster"/>) on one PostgreSQL, loaded by an
/// Orleans client in this process. Parts (<c>--only</c>, default <c>throughput,recovery</c>):
/// <list type="bullet">
/// <item><c>throughput</c> (<see cref="ThroughputBenchmark"/>): accepted intents/s, latency and CPU per intent of 1
/// against 3 silo processes, alternating rounds. Options <c>--silos 1,3</c>, <c>--clients 16,64</c>,
/// <c>--resources 1000</c>, <c>--rounds 3</c>, <c>--prime 20</c>, <c>--warmup 5</c>, <c>--duration 10</c> (seconds).</item>
/// <item><c>recovery</c> (<see cref="RecoveryBenchmark"/>): SIGKILL of one of 3 silos, Orleans' failure detection
/// defaults and tuned. Options <c>--recovery-runs 3</c>, <c>--recovery-resources 200</c>.</item>
/// <item><c>settle</c> (<see cref="ConsumerSettleBenchmark"/>, in-process test cluster): submit→settled by the read
/// model, same silo against other silo. Option <c>--settle-clients 8</c>.</item>
/// </list>
/// <c>--soak 600</c> instead runs only the soak (<see cref="SoakBenchmark"/>): 3 silos with Orleans' defaults under
/// load for that many seconds (<c>--soak-interval 30</c>, <c>--soak-clients 64</c>). Every child process is killed
/// when the suite ends, fails or is stopped with Ctrl+C.
/// </summary>
public static class ClusterSuite
{
    private static readonly string[] Parts = ["throughput", "recovery", "settle"];

    private static readonly Option<TimeSpan?> Soak = BenchOptions.Seconds("soak", "Instead of the other parts: a soak of this many seconds on 3 silos.");

    private static readonly Option<TimeSpan?> SoakInterval = BenchOptions.Seconds("soak-interval", "Seconds per row of the soak report (default 30).");

    private static readonly Option<string> SoakClients = BenchOptions.Text("soak-clients", "64", "Clients during the soak.");

    private static readonly Option<string> Resources = BenchOptions.Text("resources", "1000", "Resources the load is spread over.");

    private static readonly Option<string> Silos = BenchOptions.Text("silos", "1,3", "Silo processes per cluster, comma-separated (throughput and settle).");

    private static readonly Option<string> Clients = BenchOptions.Text("clients", "16,64", "Clients per throughput case, comma-separated.");

    private static readonly Option<string> Rounds = BenchOptions.Text("rounds", "3", "Rounds of every throughput case.");

    private static readonly Option<TimeSpan?> Prime = BenchOptions.Seconds("prime", "Seconds of load before the first throughput round (default 20).");

    private static readonly Option<TimeSpan?> WarmUp = BenchOptions.Seconds("warmup", "Seconds of load before each case is measured (default 5 for throughput, 2 for settle).");

    private static readonly Option<TimeSpan?> Duration = BenchOptions.Seconds("duration", "Seconds measured per case (default 10 for throughput, 5 for settle).");

    private static readonly Option<string> Only = BenchOptions.Text("only", "throughput,recovery", "Parts, comma-separated: throughput, recovery, settle.");

    private static readonly Option<string> RecoveryRuns = BenchOptions.Text("recovery-runs", "3", "SIGKILLs per failure-detection setting.");

    private static readonly Option<string> RecoveryResources = BenchOptions.Text("recovery-resources", "200", "Resources written during recovery.");

    private static readonly Option<string> SettleClients = BenchOptions.Text("settle-clients", "8", "Clients in the settle part.");

    /// <summary>The options the suite reads, for its command.</summary>
    public static IReadOnlyList<Option> Options { get; } = [Soak, SoakInterval, SoakClients, Resources, Silos, Clients, Rounds, Prime, WarmUp, Duration, Only, RecoveryRuns, RecoveryResources, SettleClients];

    /// <summary>Runs the suite and writes its report.</summary>
    public static async Task RunAsync(ParseResult arguments, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);

        // Ctrl+C, SIGTERM, SIGQUIT: the silo processes and the PostgreSQL server must not outlive the bench.
        // Environment.Exit runs the exit hooks (ChildProcess kills its children, PostgresServer stops its server).
        var signals = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT }.Select(signal => PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            ChildProcess.KillAll();
            Environment.Exit(128 + (context.Signal == PosixSignal.SIGINT ? 2 : context.Signal == PosixSignal.SIGQUIT ? 3 : 15));
        })).ToList();
        try
        {
            await RunPartsAsync(arguments, output);
        }
        finally
        {
            signals.ForEach(s => s.Dispose());
            ChildProcess.KillAll();
        }
    }

    private static async Task RunPartsAsync(ParseResult arguments, TextWriter output)
    {
        var soak = arguments.GetValue(Soak);
        var only = arguments.GetValue(Only)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (only.FirstOrDefault(p => !Parts.Contains(p, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            throw new ArgumentException($"--only takes {string.Join(", ", Parts)} (comma-separated); '{unknown}' is none of them.");
        }

        var database = await RuntimeSuite.PostgresAsync();
        var server = await PostgresServer.StartAsync();
        var postgres = await PostgresCpu.FindAsync(server.AdminConnectionString);
        await output.WriteLineAsync($"- PostgreSQL: {database.Setup.Replace(", a new database per mode", string.Empty, StringComparison.Ordinal).TrimEnd('.')}; a new database per cluster" +
            (postgres is null ? "; its CPU is not visible from here." : $"; its CPU is read from /proc (postmaster {postgres.Postmaster})."));
        await output.WriteLineAsync($"- Silos: `dotnet {Path.GetRelativePath(Environment.CurrentDirectory, SiloProcess.SiloDll)}` (the Silo project built with this bench's configuration), " +
            "its shipped appsettings.json (read-model consumer required) with `Silo__Storage__Provider=postgresql`, `Silo__Cluster__Enabled=true`, free loopback ports, logging at Warning. " +
            "Load: one Orleans client in the bench process (`UseOrleansClient` + `AddProductClient` + `UsePostgresClustering`), `IResourceGrain.Submit` of increment intents.");
        await output.WriteLineAsync();

        if (soak is { } soakDuration)
        {
            var settings = new SoakBenchmark.Settings(
                soakDuration,
                arguments.GetValue(SoakInterval) ?? TimeSpan.FromSeconds(30),
                Count(arguments, SoakClients),
                Count(arguments, Resources));
            await output.WriteLineAsync($"### Soak: 3 silo processes, Orleans' failure detection defaults, {settings.Duration.TotalSeconds:N0} s");
            await output.WriteLineAsync();
            await SoakBenchmark.RunAsync(server, settings, output);
            return;
        }

        if (only.Contains("throughput", StringComparer.OrdinalIgnoreCase))
        {
            var settings = new ThroughputBenchmark.Settings(
                Numbers(arguments, Silos),
                Numbers(arguments, Clients),
                Count(arguments, Resources),
                Count(arguments, Rounds),
                arguments.GetValue(Prime) ?? TimeSpan.FromSeconds(20),
                arguments.GetValue(WarmUp) ?? TimeSpan.FromSeconds(5),
                arguments.GetValue(Duration) ?? TimeSpan.FromSeconds(10));
            await output.WriteLineAsync($"### Accepted intents per second: {string.Join(" against ", settings.SiloCounts.Distinct())} silo processes, {settings.Resources:N0} resources");
            await output.WriteLineAsync();
            await output.WriteLineAsync($"All clusters up at once (Orleans' failure detection defaults), each primed with one intent per resource and {settings.Prime.TotalSeconds:0.#} s of load at {settings.Clients.Max()} clients before the first round.");
            await output.WriteLineAsync();
            await ThroughputBenchmark.RunAsync(server, postgres, settings, output);
        }

        if (only.Contains("recovery", StringComparer.OrdinalIgnoreCase))
        {
            await output.WriteLineAsync("### Recovery after SIGKILL of one of 3 silo processes");
            await output.WriteLineAsync();
            await RecoveryBenchmark.RunAsync(
                server, [FailureDetection.Defaults, FailureDetection.Tuned], Count(arguments, RecoveryRuns), Count(arguments, RecoveryResources), output);
        }

        if (only.Contains("settle", StringComparer.OrdinalIgnoreCase))
        {
            var siloCounts = Numbers(arguments, Silos);
            var settleClients = Count(arguments, SettleClients);
            var warmUp = arguments.GetValue(WarmUp) ?? TimeSpan.FromSeconds(2);
            var duration = arguments.GetValue(Duration) ?? TimeSpan.FromSeconds(5);
            var settle = new MarkdownTable("Silos", "Committed on the", "Intents:", "Submit→settled p50 ms:", "p99 ms:");
            foreach (var silos in siloCounts)
            {
                await ConsumerSettleBenchmark.MeasureAsync(silos, settleClients, Count(arguments, Resources), warmUp, duration, settle);
            }

            await output.WriteLineAsync($"### Submit to settled, in-process test cluster (read-model consumer on Orleans streams: \"same silo\" = the committing silo reads the queue and its commit wakes the reader; \"other silo\" = found by the reader's poll, `Silo:Streams:PollInterval`), {settleClients} clients");
            await output.WriteLineAsync();
            await output.WriteLineAsync(settle.ToString());
        }
    }

    private static int Count(ParseResult arguments, Option<string> option) =>
        Numbers(arguments, option) is [var one]
            ? one
            : throw new ArgumentException($"{option.Name} takes one positive whole number; it is '{arguments.GetValue(option)}'.");

    private static int[] Numbers(ParseResult arguments, Option<string> option)
    {
        var text = arguments.GetValue(option)!;
        var numbers = text.Split(',', StringSplitOptions.TrimEntries)
            .Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : (int?)null)
            .ToArray();
        return numbers.Length > 0 && numbers.All(n => n is not null)
            ? [.. numbers.Select(n => n!.Value)]
            : throw new ArgumentException($"{option.Name} takes positive whole numbers, comma-separated; it is '{text}'.");
    }
}
