using System.Diagnostics;
using System.Numerics;

namespace OrleansConsistency.Bench.Harness;

/// <summary>
/// A log-linear latency histogram in nanoseconds: each power of two is split into 64 buckets, so any percentile is
/// within 1.6% of the true value while memory stays fixed however many samples a run takes. Not thread-safe: give
/// each worker its own and <see cref="Merge"/> them at the end, so that recording never contends.
/// </summary>
public sealed class LatencyRecorder
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;

    // Shifts up to 57 cover every positive long.
    private readonly long[] _counts = new long[SubBuckets * 59];
    private long _sumNanoseconds;

    /// <summary>How many samples were recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The largest sample.</summary>
    public TimeSpan Max => FromNanoseconds(MaxNanoseconds);

    /// <summary>The mean of the samples (exact, not from the buckets).</summary>
    public TimeSpan Mean => Count == 0 ? TimeSpan.Zero : FromNanoseconds((double)_sumNanoseconds / Count);

    private long MaxNanoseconds { get; set; }

    /// <summary>Records the time from <paramref name="startTimestamp"/> to <paramref name="endTimestamp"/> (<see cref="Stopwatch"/> ticks).</summary>
    public void Record(long startTimestamp, long endTimestamp) =>
        RecordNanoseconds((long)((endTimestamp - startTimestamp) * (1_000_000_000.0 / Stopwatch.Frequency)));

    /// <summary>Records one sample.</summary>
    public void Record(TimeSpan latency) => RecordNanoseconds(latency.Ticks * 100);

    /// <summary>Adds another recorder's samples to this one.</summary>
    public void Merge(LatencyRecorder other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        _sumNanoseconds += other._sumNanoseconds;
        MaxNanoseconds = Math.Max(MaxNanoseconds, other.MaxNanoseconds);
    }

    /// <summary>The latency below which <paramref name="percentile"/> percent of the samples fall (e.g. 99 for p99).</summary>
    public TimeSpan Percentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (Count == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * Count));
        long seen = 0;
        for (var index = 0; index < _counts.Length; index++)
        {
            seen += _counts[index];
            if (seen >= rank)
            {
                // The bucket's midpoint, but never past the largest sample actually seen.
                var (lower, width) = BucketBounds(index);
                return FromNanoseconds(Math.Min(lower + (width / 2.0), MaxNanoseconds));
            }
        }

        return Max;
    }

    private void RecordNanoseconds(long nanoseconds)
    {
        nanoseconds = Math.Max(0, nanoseconds);
        _counts[BucketIndex(nanoseconds)]++;
        Count++;
        _sumNanoseconds += nanoseconds;
        MaxNanoseconds = Math.Max(MaxNanoseconds, nanoseconds);
    }

    // Values below 128 get a bucket each; above, the top 7 significant bits pick the bucket, i.e. shift s puts
    // value v into 64 * s + (v >> s), where v >> s is in [64, 128).
    private static int BucketIndex(long value)
    {
        var shift = Math.Max(0, (63 - BitOperations.LeadingZeroCount((ulong)value)) - SubBucketBits);
        return (SubBuckets * shift) + (int)(value >> shift);
    }

    private static (long Lower, long Width) BucketBounds(int index)
    {
        if (index < 2 * SubBuckets)
        {
            return (index, 1);
        }

        var shift = (index / SubBuckets) - 1;
        var subBucket = index - (SubBuckets * shift);
        return ((long)subBucket << shift, 1L << shift);
    }

    private static TimeSpan FromNanoseconds(double nanoseconds) => TimeSpan.FromTicks((long)Math.Round(nanoseconds / 100));
}
