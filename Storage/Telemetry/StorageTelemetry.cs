using System.Diagnostics.Metrics;

namespace OrleansConsistency.Storage.Telemetry;

/// <summary>
/// The storage layer's <see cref="Meter"/>, named <see cref="Name"/>: transactions, writes and commit times of the
/// group committer. Orleans' own meter (<c>Microsoft.Orleans</c>) counts activations and grain calls.
/// </summary>
public static class StorageTelemetry
{
    /// <summary>The meter's name.</summary>
    public const string Name = "OrleansConsistency.Storage";

    /// <summary>The storage instruments.</summary>
    public static readonly Meter Meter = new(Name);

    /// <summary>Storage transactions that committed grain writes (a group commit is one).</summary>
    public static readonly Counter<long> StorageTransactions = Meter.CreateCounter<long>(
        "oc.storage.transactions", "{transaction}", "Storage transactions that committed at least one grain write.");

    /// <summary>Grain writes committed; over <see cref="StorageTransactions"/> it is the mean group-commit batch.</summary>
    public static readonly Counter<long> StorageWrites = Meter.CreateCounter<long>(
        "oc.storage.writes", "{write}", "Grain writes committed (state, intent and event rows of one change count once).");

    /// <summary>How long a committed storage transaction took, from BEGIN to the end of COMMIT (the fsync included).</summary>
    public static readonly Histogram<double> StorageCommitDuration = Meter.CreateHistogram<double>(
        "oc.storage.commit.duration",
        "s",
        "Time from BEGIN to the end of COMMIT of storage transactions that committed (a group commit is one).",
        tags: null,
        // Commits take from a fraction of a millisecond (SQLite, a fast disk) to seconds (a struggling database).
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
}
