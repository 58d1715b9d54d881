namespace OrleansConsistency.Api.Telemetry;

/// <summary>
/// One instrument's values for one set of tags: a sum (counters), a last value (gauges), or bucket counts, sum and
/// count (histograms). Updated from any thread under its own lock; measurements are cheap and rarely contend.
/// </summary>
internal sealed class MetricSeries(IReadOnlyList<KeyValuePair<string, string>> tags, IReadOnlyList<double>? bounds)
{
    private readonly Lock _gate = new();
    private readonly long[] _buckets = new long[(bounds?.Count ?? 0) + 1];
    private double _value;
    private double _sum;
    private long _count;

    public IReadOnlyList<KeyValuePair<string, string>> Tags => tags;

    public IReadOnlyList<double> Bounds => bounds ?? [];

    public void Add(double value)
    {
        lock (_gate)
        {
            _value += value;
        }
    }

    public void Set(double value)
    {
        lock (_gate)
        {
            _value = value;
        }
    }

    public void Record(double value)
    {
        var index = 0;
        var limits = Bounds;
        while (index < limits.Count && value > limits[index])
        {
            index++;
        }

        lock (_gate)
        {
            _buckets[index]++;
            _sum += value;
            _count++;
        }
    }

    /// <summary>A consistent copy: the value, and for histograms the cumulative bucket counts, sum and count.</summary>
    public (double Value, long[] Cumulative, double Sum, long Count) Read()
    {
        lock (_gate)
        {
            var cumulative = new long[_buckets.Length];
            long running = 0;
            for (var i = 0; i < _buckets.Length; i++)
            {
                running += _buckets[i];
                cumulative[i] = running;
            }

            return (_value, cumulative, _sum, _count);
        }
    }
}
