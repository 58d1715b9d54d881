using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansConsistency.Api.Telemetry;

/// <summary>
/// The few instruments <c>GET /ops/summary</c> shows, read over a <see cref="MeterListener"/>: totals of counters
/// (over all tags) and the last minute of settle and accept times, for percentiles, which a Prometheus histogram's
/// buckets since start-up cannot give. Everything else the page shows is read from its source when asked.
/// </summary>
internal sealed class SummaryMeters : IDisposable
{
    /// <summary>The counters whose totals the summary shows.</summary>
    public static readonly IReadOnlyList<string> Counters =
        ["oc.intents.accepted", "oc.intents.refused", "oc.intents.settled", "oc.intents.replays", "oc.dependency.retries", "oc.conflicts"];

    /// <summary>The time from applied to settled.</summary>
    public const string SettleDuration = "oc.intents.settle.duration";

    /// <summary>The time the API took to answer a POST of an intent.</summary>
    public const string AcceptDuration = "oc.intents.accept.duration";

    /// <summary>Histograms whose recent values are kept for percentiles (the summary's and the trends').</summary>
    public static readonly IReadOnlyList<string> SampledHistograms = [SettleDuration, AcceptDuration, PerceivedInstruments.SavedName, PerceivedInstruments.DoneName];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RecentSamples> _recent = SampledHistograms.ToDictionary(h => h, _ => new RecentSamples(), StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public SummaryMeters(TimeProvider time)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ApiTelemetry.MeterNames.Contains(instrument.Meter.Name)
                && (Counters.Contains(instrument.Name) || _recent.ContainsKey(instrument.Name)))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => _recent[instrument.Name].Add(_time.GetTimestamp(), value));
        _listener.Start();
    }

    /// <summary>A counter's total over all its tags since start-up; 0 when nothing was counted.</summary>
    public long Total(string counter) => _totals.GetValueOrDefault(counter);

    /// <summary>Quantiles of a sampled histogram over the last <paramref name="window"/>.</summary>
    public (int Count, double[] Quantiles) RecentQuantiles(string histogram, TimeSpan window, params double[] quantiles) =>
        _recent[histogram].Quantiles(_time.GetTimestamp() - (long)(window.TotalSeconds * _time.TimestampFrequency), quantiles);

    public void Dispose() => _listener.Dispose();
}
