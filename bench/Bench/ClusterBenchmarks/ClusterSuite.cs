using System.Globalization;
using System.Text.Json;
using OrleansConsistency.Bench.Harness;
using OrleansConsistency.Bench.RuntimeBenchmarks;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Storage;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.ClusterBenchmarks;

/// <summary>
/// Accepted intents per second through <c>IResourceGrain.Submit</c> on PostgreSQL, with 1 and with 3 clustered silos
/// in this one process (the same cores either way, so this shows the cost of membership, placement and forwarding,
/// not a speed-up). Callers spread over the silos (each silo's own client), so with 3 silos about two calls in three
/// go to another silo through Orleans messaging. The silos are an Orleans in-process test cluster
/// (<see cref="ProductClusterBuilder"/>, each silo configured by the product's <c>AddProductSilo</c>): the test
/// cluster's membership and transport, not the product's Orleans membership on PostgreSQL (<c>AddSilo</c> with
/// <c>Silo:Cluster:Enabled</c>), which only separate silo processes use. Options: <c>--clients 16,64</c>, <c>--silos 1,3</c>, <c>--resources 1000</c>, <c>--warmup</c>,
/// <c>--duration</c> (seconds), <c>--settle-clients 8</c> (the submit→settled table, see <see cref="ConsumerSettleBenchmark"/>).
/// </summary>
public static class ClusterSuite
{
    private static readonly JsonElement Payload = JsonDocument.Parse("""{"n":1}""").RootElement.Clone();

    /// <summary>Runs the suite and writes its report.</summary>
    public static async Task RunAsync(BenchArguments arguments, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        var warmUp = arguments.GetSeconds("warmup", TimeSpan.FromSeconds(2));
        var duration = arguments.GetSeconds("duration", TimeSpan.FromSeconds(5));
        var clients = Numbers(arguments.Get("clients", "16,64"));
        var siloCounts = Numbers(arguments.Get("silos", "1,3"));
        var resources = Numbers(arguments.Get("resources", "1000"))[0];
        var database = await RuntimeSuite.PostgresAsync();

        var table = new MarkdownTable("Silos", "Clients:", "Accepted intents/s:", "p50 ms:", "p99 ms:");
        foreach (var silos in siloCounts)
        {
            var builder = await new ProductClusterBuilder((short)silos)
                .ConfigureSilo(options => options.Cluster.Enabled = true)
                .UseFreshStorageAsync(StorageOptions.PostgresProvider);
            await using var cluster = builder.Build();
            await cluster.DeployAsync();
            var factories = cluster.Silos.Select(s => s.GrainFactory).ToArray();
            foreach (var clientCount in clients)
            {
                var sequence = new long[clientCount];
                var load = await ClosedLoop.RunAsync(
                    clientCount,
                    client =>
                    {
                        var n = sequence[client]++;
                        var grain = factories[(int)((client + n) % factories.Length)]
                            .GetGrain<IResourceGrain>($"bench/r{(client * 7919 + n) % resources}");
                        return grain.Submit(new Intent($"s{silos}-c{client}-{n}", IntentOperation.Increment, Payload));
                    },
                    warmUp,
                    duration);
                table.AddRow(
                    silos.ToString(CultureInfo.InvariantCulture),
                    clientCount.ToString(CultureInfo.InvariantCulture),
                    load.PerSecond.ToString("N0", CultureInfo.InvariantCulture),
                    load.Latency.Percentile(50).TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture),
                    load.Latency.Percentile(99).TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture));
            }
        }

        await output.WriteLineAsync($"### Accepted intents per second, 1 vs 3 silos ({database.Setup})");
        await output.WriteLineAsync();
        await output.WriteLineAsync("Silos: an Orleans `InProcessTestCluster` in this process whose silos use the product's `AddProductSilo` (the test cluster's membership and transport, not the product's Orleans membership on PostgreSQL, which separate silo processes use); the event log's stream queues (`Silo:Streams:QueueCount`, 8) are balanced over the silos by Orleans.");
        await output.WriteLineAsync();
        await output.WriteLineAsync(table.ToString());
        var settleClients = Numbers(arguments.Get("settle-clients", "8"))[0];
        var settle = new MarkdownTable("Silos", "Committed on the", "Intents:", "Submit→settled p50 ms:", "p99 ms:");
        foreach (var silos in siloCounts)
        {
            await ConsumerSettleBenchmark.MeasureAsync(silos, settleClients, resources, warmUp, duration, settle);
        }

        await output.WriteLineAsync($"### Submit to settled (read-model consumer on Orleans streams: \"same silo\" = the committing silo reads the queue and its commit wakes the reader; \"other silo\" = found by the reader's poll, `Silo:Streams:PollInterval`), {settleClients} clients");
        await output.WriteLineAsync();
        await output.WriteLineAsync(settle.ToString());
        await output.WriteLineAsync(
            "Recovery after a SIGKILL is measured by the multi-process test (`dotnet test tests/Api.Tests --filter ClusterKill " +
            "--logger \"console;verbosity=detailed\"`), which prints the time until the killed silo's grains were served again.");
    }

    private static int[] Numbers(string list) => [.. list.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))];
}
