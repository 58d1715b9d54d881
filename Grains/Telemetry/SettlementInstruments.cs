using System.Diagnostics.Metrics;

namespace OrleansConsistency.Grains.Telemetry;

/// <summary>Settlement: how long applied intents take to be settled, and how far each consumer is behind.</summary>
public static class SettlementInstruments
{
    /// <summary>Histogram bucket bounds (seconds) for settle times: from a few milliseconds to minutes.</summary>
    public static readonly IReadOnlyList<double> SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private static readonly TrackedSources<(long Versions, double Seconds)> Lags = new();

    /// <summary>From applied (accepted) to settled, per resource type.</summary>
    public static readonly Histogram<double> SettleDuration = GrainsTelemetry.Meter.CreateHistogram(
        "oc.intents.settle.duration",
        "s",
        "Time from an intent being applied (accepted) to its version being settled, per resource type.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    /// <summary>Applied intents whose version became settled, per resource type.</summary>
    public static readonly Counter<long> Settled = GrainsTelemetry.Meter.CreateCounter<long>(
        "oc.intents.settled", "{intent}", "Applied intents whose version became settled, per resource type.");

    /// <summary>Versions waiting to be handled, per consumer.</summary>
    public static readonly ObservableGauge<long> LagVersions = GrainsTelemetry.Meter.CreateObservableGauge(
        "oc.consumer.lag.versions",
        () => Lags.Read().Select(l => new Measurement<long>(l.Value.Versions, new KeyValuePair<string, object?>("consumer", l.Name))),
        "{version}",
        "Versions committed but not yet handled by the consumer, summed over resources.");

    /// <summary>Age of the oldest version waiting, per consumer.</summary>
    public static readonly ObservableGauge<double> LagSeconds = GrainsTelemetry.Meter.CreateObservableGauge(
        "oc.consumer.lag.seconds",
        () => Lags.Read().Select(l => new Measurement<double>(l.Value.Seconds, new KeyValuePair<string, object?>("consumer", l.Name))),
        "s",
        "How long the oldest version the consumer has not handled has been waiting; 0 when caught up.");

    /// <summary>
    /// Every tracked consumer's lag now, for pages that show it; where several silos of one process track the same
    /// consumer, the furthest behind.
    /// </summary>
    public static IReadOnlyDictionary<string, (long Versions, double Seconds)> ReadLags() =>
        Lags.Read().GroupBy(l => l.Name, StringComparer.Ordinal).ToDictionary(
            g => g.Key, g => (g.Max(l => l.Value.Versions), g.Max(l => l.Value.Seconds)), StringComparer.Ordinal);

    /// <summary>Reports a consumer's lag until the returned registration is disposed.</summary>
    internal static IDisposable TrackConsumer(string consumer, Func<(long Versions, double Seconds)> lag) => Lags.Track(consumer, lag);
}
