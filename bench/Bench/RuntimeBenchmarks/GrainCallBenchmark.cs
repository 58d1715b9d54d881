using System.Globalization;
using OrleansConsistency.Bench.Grains;
using OrleansConsistency.Bench.Harness;

namespace OrleansConsistency.Bench.RuntimeBenchmarks;

/// <summary>
/// In-memory grain calls on one Orleans silo through its co-hosted client: N callers each call a stateless grain back
/// to back, either each its own grain (no queueing) or a small shared set (callers queue in the grains' activations, one
/// call at a time per grain). Each case runs twice: with plain callers (the continuation after an answer runs inline on
/// the thread that completed it), and with callers that <c>await Task.Yield()</c> before each call, as independent
/// requests do: ORLEANS.md §7.2 found that Orleans 10 queues activation work LIFO on the thread's local queue
/// (<c>preferLocal: true</c>), so plain closed loops can starve one another.
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

    /// <summary>
    /// The home-made runtime's last figures (README, "Runtime: grain calls and group commit", 2026-11-22, same machine,
    /// nothing else running): calls/s and least-served caller %, by case.
    /// </summary>
    private static readonly Dictionary<(int Callers, int Grains), (double CallsPerSecond, double P50, double P99, int LeastServed)> HomeMade = new()
    {
        [(1, 1)] = (267_172, 2.7, 10.9, 100),
        [(16, 16)] = (492_736, 31.4, 80.4, 98),
        [(16, SharedGrains)] = (752_316, 17.3, 42.8, 99),
        [(256, 256)] = (508_117, 403.5, 2_146.3, 99),
        [(256, SharedGrains)] = (798_891, 264.2, 1_761.3, 98),
    };

    /// <summary>The tables: every case in both modes, then the comparison with the home-made runtime; notes on errors.</summary>
    public sealed record Tables(MarkdownTable Measured, MarkdownTable Comparison, IReadOnlyList<string> Notes);

    /// <summary>Runs every case in both modes and returns the tables.</summary>
    public static async Task<Tables> RunAsync(TimeSpan warmUp, TimeSpan duration, string databaseDirectory)
    {
        var measured = new MarkdownTable(
            "Callers:", "Grains", "Caller", "Calls/s:", "Mean (µs):", "p50 (µs):", "p99 (µs):", "Max (ms):", "Least-served caller (% of mean):", "Errors:");
        var comparison = new MarkdownTable(
            "Callers:", "Grains", "Home-made runtime (README): calls/s (least-served %):", "p50 / p99 (µs):",
            "Orleans, plain: calls/s (least-served %):", "p50 / p99 (µs):",
            "Orleans, yield: calls/s (least-served %):", "p50 / p99 (µs):");

        // Storage is configured because every silo has it, but a stateless grain never touches it.
        await using var silo = await BenchSilo.StartAsync(storage =>
            storage.ConnectionString = $"Data Source={Path.Combine(databaseDirectory, "calls.db")}");
        var notes = new List<string>();
        var run = 0;
        foreach (var (callers, grains) in Cases)
        {
            var results = new Dictionary<bool, CallRun>();
            foreach (var yieldFirst in new[] { false, true })
            {
                var prefix = $"echo-{run++}";
                var references = Enumerable.Range(0, grains)
                    .Select(i => silo.GrainFactory.GetGrain<IEchoGrain>($"{prefix}-{i}"))
                    .ToArray();
                var counting = false;
                long errors = 0;
                string? firstError = null;
                async Task CallAsync(int caller)
                {
                    if (yieldFirst)
                    {
                        await Task.Yield();
                    }

                    try
                    {
                        await references[caller % grains].Echo(caller);
                    }
                    catch (Exception exception) when (exception is TimeoutException or OrleansException or OperationCanceledException)
                    {
                        // A starved call that timed out (or expired before placement) is a result of the case, not
                        // the end of the run.
                        if (Volatile.Read(ref counting))
                        {
                            Interlocked.Increment(ref errors);
                            Interlocked.CompareExchange(ref firstError, $"{exception.GetType().Name}: {exception.Message}", null);
                        }
                    }
                }

                // Activated first, all at once but each call from the thread pool's global queue: the case measures calls
                // to running activations. (Activating them from inside plain closed loops starves placement itself:
                // ORLEANS.md §7.2 saw "Message expired before placement could complete" and 30 s timeouts.)
                await Task.WhenAll(references.Select(reference => Task.Run(() => reference.Echo(0))));
                await Console.Error.WriteLineAsync($"grain calls: {callers} callers, {grains} grains, {(yieldFirst ? "yield" : "plain")}...");
                var result = await ClosedLoop.RunAsync(callers, CallAsync, warmUp, duration, () => Volatile.Write(ref counting, true));
                results[yieldFirst] = new CallRun(result, Interlocked.Read(ref errors), firstError);
                if (firstError is not null)
                {
                    notes.Add($"{callers} callers, {GrainsCell(callers, grains)}, {(yieldFirst ? "yield" : "plain")}: first error {firstError}");
                }

                measured.AddRow(
                    Format(callers),
                    GrainsCell(callers, grains),
                    yieldFirst ? "`await Task.Yield()` first" : "plain",
                    Format(result.PerSecond),
                    Micros(result.Latency.Mean),
                    Micros(result.Latency.Percentile(50)),
                    Micros(result.Latency.Percentile(99)),
                    result.Latency.Max.TotalMilliseconds.ToString("N1", CultureInfo.InvariantCulture),
                    result.Fairness.ToString("N0", CultureInfo.InvariantCulture),
                    Format(results[yieldFirst].Errors));
            }

            var old = HomeMade[(callers, grains)];
            comparison.AddRow(
                Format(callers),
                GrainsCell(callers, grains),
                $"{Format(old.CallsPerSecond)} ({old.LeastServed})",
                $"{old.P50.ToString("N1", CultureInfo.InvariantCulture)} / {old.P99.ToString("N1", CultureInfo.InvariantCulture)}",
                Summary(results[false].Load),
                Latencies(results[false].Load),
                Summary(results[true].Load),
                Latencies(results[true].Load));
        }

        return new Tables(measured, comparison, notes);
    }

    private static string GrainsCell(int callers, int grains) => grains == callers ? "own grain each" : $"{grains} shared";

    private static string Summary(LoadResult load) => $"{Format(load.PerSecond)} ({load.Fairness.ToString("N0", CultureInfo.InvariantCulture)})";

    private static string Latencies(LoadResult load) => $"{Micros(load.Latency.Percentile(50))} / {Micros(load.Latency.Percentile(99))}";

    private static string Format(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Micros(TimeSpan value) => value.TotalMicroseconds.ToString("N1", CultureInfo.InvariantCulture);

    private sealed record CallRun(LoadResult Load, long Errors, string? FirstError);

}
