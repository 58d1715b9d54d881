namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>What one http case measured.</summary>
/// <param name="Clients">Concurrent clients (closed loop).</param>
/// <param name="AcceptedPerSecond">Accepted answers completed inside the window, per second.</param>
/// <param name="P50">Median latency of every request that overlapped the window, errors included.</param>
/// <param name="P99">99th percentile of the same.</param>
/// <param name="Max">The slowest of the same.</param>
/// <param name="Errors">Answers that were not accepted (and requests that failed), from the window's start to the last answer.</param>
/// <param name="FirstError">What the first of those was, or null.</param>
internal sealed record HttpCaseResult(int Clients, double AcceptedPerSecond, TimeSpan P50, TimeSpan P99, TimeSpan Max, long Errors, string? FirstError)
{
    /// <summary>
    /// CPU time the server process used in the measured window per accepted answer, or null when not measured: how much
    /// work one intent costs, apart from the load generator and (on PostgreSQL) the database server.
    /// </summary>
    public TimeSpan? ServerCpuPerAccepted { get; init; }

    /// <summary>
    /// The least-served client's answers as a share of the mean, in percent (100 = fair, near 0 = some clients
    /// starved while others ran); null when the load generator cannot tell (wrk reports no per-connection counts).
    /// </summary>
    public double? LeastServedPercent { get; init; }
}
