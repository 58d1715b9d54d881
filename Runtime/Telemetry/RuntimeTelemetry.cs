using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansConsistency.Runtime.Telemetry;

/// <summary>
/// The runtime layer's <see cref="Meter"/> and <see cref="ActivitySource"/>, both named <see cref="Name"/>: grain
/// calls (one span per call, parented by the caller's span, which travels with the call) and activations.
/// </summary>
public static class RuntimeTelemetry
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "OrleansConsistency.Runtime";

    /// <summary>The tag every span and log of one request carries: the <c>X-Correlation-Id</c>.</summary>
    public const string CorrelationIdTag = "oc.correlation_id";

    /// <summary>The <see cref="RequestContext"/> key the API puts the correlation id under.</summary>
    public const string CorrelationIdContextKey = "correlation-id";

    /// <summary>Spans of grain calls.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>The runtime's instruments.</summary>
    public static readonly Meter Meter = new(Name);

    /// <summary>Activations created, per grain type.</summary>
    public static readonly Counter<long> Activations = Meter.CreateCounter<long>(
        "oc.runtime.activations", "{activation}", "Grain activations created, per grain type.");

    /// <summary>Activations removed, per grain type.</summary>
    public static readonly Counter<long> Deactivations = Meter.CreateCounter<long>(
        "oc.runtime.deactivations", "{activation}", "Grain activations deactivated, per grain type.");

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
