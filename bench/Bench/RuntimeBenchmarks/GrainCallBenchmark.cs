using System.Globalization;
using OrleansConsistency.Bench.Grains;
using OrleansConsistency.Bench.Harness;

namespace OrleansConsistency.Bench.RuntimeBenchmarks;

/// <summary>
/// In-memory grain calls on one silo: N callers each call a stateless grain back to back, either each its own grain
/// (no queueing) or a small shared set (callers queue in the grains' mailboxes, one call at a time per grain).
/// </summary>
public static class GrainCallBenchmark
{
    private const int SharedGrains = 4;

    private static readonly (int Callers, int Grains)[] Cases =
    [
        (1, 1),
        (16, 16),
        (16, SharedGrains),
        (256, 256),
        (256, SharedGrains),
    ];

    /// <summary>Runs every case and returns the table.</summary>
    public static async Task<MarkdownTable> RunAsync(TimeSpan warmUp, TimeSpan duration, string databaseDirectory)
    {
        var table = new MarkdownTable(
            "Callers:", "Grains", "Calls/s:", "Mean (µs):", "p50 (µs):", "p99 (µs):", "Max (ms):", "Least-served caller (% of mean):");

        // Storage is configured because every silo has it, but a stateless grain never touches it.
        await using var silo = await BenchSilo.StartAsync(typeof(EchoGrain).Assembly, storage =>
            storage.ConnectionString = $"Data Source={Path.Combine(databaseDirectory, "calls.db")}");
        foreach (var (callers, grains) in Cases)
        {
            var references = Enumerable.Range(0, grains)
                .Select(i => silo.GrainFactory.GetGrain<IEchoGrain>($"echo-{callers}-{grains}-{i}"))
                .ToArray();
            var result = await ClosedLoop.RunAsync(callers, caller => references[caller % grains].Echo(caller), warmUp, duration);
            table.AddRow(
                Format(callers),
                grains == callers ? "own grain each" : $"{grains} shared",
                Format(result.PerSecond),
                Micros(result.Latency.Mean),
                Micros(result.Latency.Percentile(50)),
                Micros(result.Latency.Percentile(99)),
                result.Latency.Max.TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture),
                result.Fairness.ToString("N0", CultureInfo.InvariantCulture));
        }

        return table;
    }

    private static string Format(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Micros(TimeSpan value) => value.TotalMicroseconds.ToString("N1", CultureInfo.InvariantCulture);
}
