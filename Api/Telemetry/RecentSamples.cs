namespace OrleansConsistency.Api.Telemetry;

/// <summary>
/// The latest values of one histogram with their times, so the operator page can show percentiles of the last minute
/// rather than since start-up. Bounded to <see cref="Capacity"/> values.
/// </summary>
internal sealed class RecentSamples
{
    private const int Capacity = 4096;

    private readonly Lock _gate = new();
    private readonly (long Timestamp, double Value)[] _ring = new (long, double)[Capacity];
    private int _next;
    private int _count;

    public void Add(long timestamp, double value)
    {
        lock (_gate)
        {
            _ring[_next] = (timestamp, value);
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
        }
    }

    /// <summary>The given quantiles (0–1) of the values recorded at or after <paramref name="since"/>; empty when none.</summary>
    public (int Count, double[] Quantiles) Quantiles(long since, params double[] quantiles)
    {
        List<double> values;
        lock (_gate)
        {
            values = [.. _ring.Take(_count).Where(s => s.Timestamp >= since).Select(s => s.Value)];
        }

        if (values.Count == 0)
        {
            return (0, []);
        }

        values.Sort();
        return (values.Count, [.. quantiles.Select(q => values[Math.Clamp((int)Math.Ceiling(q * values.Count) - 1, 0, values.Count - 1)])]);
    }
}
