using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansConsistency.Api.Telemetry;

/// <summary>
/// Aggregates the product's own meters in memory, over a <see cref="MeterListener"/>, for <c>GET /metrics</c> and the
/// operator page: sums for counters, last values for gauges, buckets for histograms (and the last minute of
/// settle and accept times, for percentiles). Independent of OpenTelemetry, so it works without a collector.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    /// <summary>Histograms whose recent values are kept for percentiles.</summary>
    public static readonly IReadOnlyList<string> SampledHistograms = ["oc.intents.settle.duration", "oc.intents.accept.duration"];

    private static readonly double[] DefaultBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, MetricInstrument> _instruments = new();
    private readonly ConcurrentDictionary<string, RecentSamples> _recent = new(StringComparer.Ordinal);
    private readonly Lock _collectGate = new();
    private readonly TimeProvider _time;

    public MetricsCollector(TimeProvider time)
    {
        _time = time;
        foreach (var name in SampledHistograms)
        {
            _recent[name] = new RecentSamples();
        }

        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ApiTelemetry.MeterNames.Contains(instrument.Meter.Name) && KindOf(instrument) is { } kind)
            {
                _instruments[instrument] = new MetricInstrument(instrument, kind, kind == MetricKind.Histogram ? BoundsOf(instrument) : null);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => OnMeasurement(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments now and returns every instrument, ordered by name.</summary>
    public IReadOnlyList<MetricInstrument> Collect()
    {
        lock (_collectGate)
        {
            foreach (var (instrument, metric) in _instruments)
            {
                if (instrument.IsObservable)
                {
                    metric.Clear();
                }
            }

            _listener.RecordObservableInstruments();
            return [.. _instruments.Values.OrderBy(i => i.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>The sum of an instrument's series (all tag sets); 0 when it has not been published.</summary>
    public static double Total(IReadOnlyList<MetricInstrument> collected, string name) =>
        collected.Where(i => i.Name == name).SelectMany(i => i.Series).Sum(s => s.Read().Value);

    /// <summary>Quantiles of a sampled histogram over the last <paramref name="window"/>.</summary>
    public (int Count, double[] Quantiles) RecentQuantiles(string histogram, TimeSpan window, params double[] quantiles) =>
        _recent.TryGetValue(histogram, out var samples)
            ? samples.Quantiles(_time.GetTimestamp() - (long)(window.TotalSeconds * _time.TimestampFrequency), quantiles)
            : (0, []);

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!_instruments.TryGetValue(instrument, out var metric))
        {
            return;
        }

        var series = metric.For(tags);
        switch (metric.Kind)
        {
            case MetricKind.Histogram:
                series.Record(value);
                if (_recent.TryGetValue(metric.Name, out var recent))
                {
                    recent.Add(_time.GetTimestamp(), value);
                }

                break;
            case MetricKind.Gauge:
                series.Set(value);
                break;
            default:
                // Observable counters report their running total, the others what to add.
                if (instrument.IsObservable)
                {
                    series.Set(value);
                }
                else
                {
                    series.Add(value);
                }

                break;
        }
    }

    private static MetricKind? KindOf(Instrument instrument) => instrument switch
    {
        Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> => MetricKind.Counter,
        UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double> or ObservableUpDownCounter<long> or ObservableUpDownCounter<int> or ObservableUpDownCounter<double> => MetricKind.UpDownCounter,
        ObservableGauge<long> or ObservableGauge<int> or ObservableGauge<double> or Gauge<long> or Gauge<int> or Gauge<double> => MetricKind.Gauge,
        Histogram<double> or Histogram<long> or Histogram<int> => MetricKind.Histogram,
        _ => null,
    };

    private static IReadOnlyList<double> BoundsOf(Instrument instrument) => instrument switch
    {
        Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } => bounds,
        _ => DefaultBounds,
    };
}
