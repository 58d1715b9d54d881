using System.Globalization;
using OrleansConsistency.Bench.Grains;
using OrleansConsistency.Bench.Harness;

namespace OrleansConsistency.Bench.RuntimeBenchmarks;

/// <summary>
/// Durable writes through a persisted grain, group commit against one transaction per write: each of N writers calls
/// its own <see cref="IWriterGrain"/> back to back, and each call returns only after the grain's state committed.
/// </summary>
public static class PersistedWriteBenchmark
{
    private static readonly int[] WriterCounts = [1, 16, 256];

    /// <summary>The table's title, which says what was measured.</summary>
    public const string Title =
        "Persisted writes through a grain (`IWriterGrain.Write()` → `IPersistentState.WriteStateAsync()`, each writer its own grain and row, back to back)";

    /// <summary>Runs every case on every database and returns the table.</summary>
    public static async Task<MarkdownTable> RunAsync(IReadOnlyList<BenchDatabase> databases, TimeSpan warmUp, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(databases);
        var table = new MarkdownTable(
            "Database", "Writers:",
            "Group: writes/s:", "p50 (ms):", "p99 (ms):", "writes/tx (max):",
            "Per-write: writes/s:", "p50 (ms):", "p99 (ms):", "writes/tx:",
            "Speed-up:", "Least-served writer, group / per-write (% of mean):");
        foreach (var database in databases)
        {
            var grouped = await RunModeAsync(database, groupCommit: true, warmUp, duration);
            var single = await RunModeAsync(database, groupCommit: false, warmUp, duration);
            for (var i = 0; i < WriterCounts.Length; i++)
            {
                var (g, s) = (grouped[i], single[i]);
                table.AddRow(
                    database.Name,
                    Format(WriterCounts[i], "N0"),
                    Format(g.Load.PerSecond, "N0"),
                    Millis(g.Load.Latency.Percentile(50)),
                    Millis(g.Load.Latency.Percentile(99)),
                    $"{Format(g.WritesPerTransaction, "N1")} ({Format(g.MaxWritesPerTransaction, "N0")})",
                    Format(s.Load.PerSecond, "N0"),
                    Millis(s.Load.Latency.Percentile(50)),
                    Millis(s.Load.Latency.Percentile(99)),
                    Format(s.WritesPerTransaction, "N1"),
                    Format(g.Load.PerSecond / s.Load.PerSecond, "N1") + "×",
                    $"{Format(g.Load.Fairness, "N0")} / {Format(s.Load.Fairness, "N0")}");
            }
        }

        return table;
    }

    private static async Task<List<WriteRun>> RunModeAsync(BenchDatabase database, bool groupCommit, TimeSpan warmUp, TimeSpan duration)
    {
        var connectionString = await database.NewConnectionStringAsync();
        await using var silo = await BenchSilo.StartAsync(storage =>
        {
            storage.Provider = database.Provider;
            storage.ConnectionString = connectionString;
            storage.GroupCommit = groupCommit;
            storage.SqliteSynchronous = "FULL";
        });

        var runs = new List<WriteRun>();
        foreach (var writers in WriterCounts)
        {
            var grains = Enumerable.Range(0, writers).Select(i => silo.GrainFactory.OnProjectStorage($"writer-{i}")).ToArray();
            var statistics = silo.Storage.Statistics;
            var load = await ClosedLoop.RunAsync(writers, writer => grains[writer].Write(), warmUp, duration, statistics.Reset);
            runs.Add(new WriteRun(
                load,
                statistics.Transactions == 0 ? 0 : (double)statistics.Writes / statistics.Transactions,
                statistics.MaxWritesInOneTransaction));
        }

        return runs;
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Millis(TimeSpan value) => value.TotalMilliseconds.ToString("N2", CultureInfo.InvariantCulture);

    private sealed record WriteRun(LoadResult Load, double WritesPerTransaction, long MaxWritesPerTransaction);
}
