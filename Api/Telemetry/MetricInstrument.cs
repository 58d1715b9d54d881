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
        // Called for every measurement (several per request), so no LINQ, no closure and no list: an array of the
        // tags as text, sorted by key, is the series' tags and, joined, its key.
        var pairs = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            pairs[i] = new(tags[i].Key, Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
        }

        if (pairs.Length > 1)
        {
            Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        }

        var key = pairs.Length switch
        {
            0 => string.Empty,
            1 => string.Concat(pairs[0].Key, "\u001e", pairs[0].Value),
            _ => string.Join('\u001f', Array.ConvertAll(pairs, static t => string.Concat(t.Key, "\u001e", t.Value))),
        };
        return _series.TryGetValue(key, out var series)
            ? series
            : _series.GetOrAdd(key, static (_, state) => new MetricSeries(state.Pairs, state.Bounds), (Pairs: pairs, Bounds: bounds));
    }

    /// <summary>Forgets every series; observable gauges start each collection afresh so that vanished sources vanish.</summary>
    public void Clear() => _series.Clear();
}
