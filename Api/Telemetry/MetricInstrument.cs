using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansConsistency.Api.Telemetry;

/// <summary>An instrument as <see cref="MetricsCollector"/> keeps it: its description and its series by tag set.</summary>
internal sealed class MetricInstrument(Instrument instrument, MetricKind kind, IReadOnlyList<double>? bounds)
{
    private readonly ConcurrentDictionary<string, MetricSeries> _series = new(StringComparer.Ordinal);

    public string Name => instrument.Name;

    public string? Unit => instrument.Unit;

    public string? Description => instrument.Description;

    public MetricKind Kind => kind;

    public IEnumerable<MetricSeries> Series => _series.Values;

    public MetricSeries For(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var sorted = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var tag in tags)
        {
            sorted.Add(new(tag.Key, Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
        }

        sorted.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var key = string.Join('\u001f', sorted.Select(t => t.Key + '\u001e' + t.Value));
        return _series.GetOrAdd(key, _ => new MetricSeries(sorted, bounds));
    }

    /// <summary>Forgets every series; observable gauges start each collection afresh so that vanished sources vanish.</summary>
    public void Clear() => _series.Clear();
}
