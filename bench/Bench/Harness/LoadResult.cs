namespace OrleansConsistency.Bench.Harness;

/// <summary>What one closed-loop run measured.</summary>
/// <param name="Workers">How many workers ran.</param>
/// <param name="Operations">Operations that completed inside the measurement window.</param>
/// <param name="Elapsed">The length of the measurement window.</param>
/// <param name="Latency">
/// The latencies of every operation that overlapped the window, including those that were still running when it closed:
/// leaving those out would hide exactly the slowest ones.
/// </param>
/// <param name="FewestByOneWorker">The fewest operations one worker completed inside the window.</param>
public sealed record LoadResult(int Workers, long Operations, TimeSpan Elapsed, LatencyRecorder Latency, long FewestByOneWorker)
{
    /// <summary>Completed operations per second.</summary>
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    /// <summary>
    /// The least-served worker's share of the mean, in percent: 100 when every worker got as many operations through as
    /// the others, near 0 when some starved while others ran.
    /// </summary>
    public double Fairness => Operations == 0 ? 0 : 100.0 * FewestByOneWorker / ((double)Operations / Workers);
}
