using Orleans;
namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>
/// A hybrid logical clock reading: wall-clock milliseconds since the Unix epoch, and a counter that orders readings
/// within one millisecond. A resource's clock never goes back, whatever the silos' clocks do.
/// </summary>
/// <param name="WallMillis">Milliseconds since 1970-01-01 UTC.</param>
/// <param name="Counter">Orders readings with the same milliseconds.</param>
[GenerateSerializer]
[Alias("oc.HlcTimestamp")]
public sealed record HlcTimestamp([property: Id(0)] long WallMillis, [property: Id(1)] int Counter) : IComparable<HlcTimestamp>
{
    /// <summary>The reading before any.</summary>
    public static HlcTimestamp Zero { get; } = new(0, 0);

    /// <summary>A reading at a wall-clock time, counter 0.</summary>
    public static HlcTimestamp At(DateTimeOffset time) => new(time.ToUnixTimeMilliseconds(), 0);

    /// <summary>The next reading after this one at wall-clock time <paramref name="now"/>: later than both.</summary>
    public HlcTimestamp Tick(DateTimeOffset now)
    {
        var wall = now.ToUnixTimeMilliseconds();
        return wall > WallMillis ? new HlcTimestamp(wall, 0) : new HlcTimestamp(WallMillis, Counter + 1);
    }

    /// <summary>The later of two readings.</summary>
    public static HlcTimestamp Max(HlcTimestamp a, HlcTimestamp b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.CompareTo(b) >= 0 ? a : b;
    }

    /// <inheritdoc />
    public int CompareTo(HlcTimestamp? other) =>
        other is null ? 1 : WallMillis != other.WallMillis ? WallMillis.CompareTo(other.WallMillis) : Counter.CompareTo(other.Counter);

    /// <summary>Orders readings.</summary>
    public static bool operator <(HlcTimestamp left, HlcTimestamp right) => left is null ? right is not null : left.CompareTo(right) < 0;

    /// <summary>Orders readings.</summary>
    public static bool operator >(HlcTimestamp left, HlcTimestamp right) => left is not null && left.CompareTo(right) > 0;

    /// <summary>Orders readings.</summary>
    public static bool operator <=(HlcTimestamp left, HlcTimestamp right) => left is null || left.CompareTo(right) <= 0;

    /// <summary>Orders readings.</summary>
    public static bool operator >=(HlcTimestamp left, HlcTimestamp right) => left is null ? right is null : left.CompareTo(right) >= 0;
}
