using System.Diagnostics;
using Orleans.Runtime;

namespace OrleansConsistency.Grains.Interfaces.Deadlines;

/// <summary>
/// The deadline of a call chain, carried in Orleans' <see cref="RequestContext"/> so that it travels with every grain
/// call, across silos too (Orleans has per-call timeouts only). Calls can shorten it, never extend it. The silo's
/// deadline filters refuse a call whose deadline has passed before it starts and bound every call to the time left.
/// </summary>
public static class CallDeadline
{
    /// <summary>The <see cref="RequestContext"/> key of the deadline as UTC ticks: what another process can compare.</summary>
    public const string UtcTicksKey = "oc-deadline";

    /// <summary>The key of the deadline as a <see cref="Stopwatch"/> timestamp, valid only in <see cref="OriginKey"/>'s process.</summary>
    public const string MonotonicKey = "oc-deadline-mono";

    /// <summary>The key naming the process whose monotonic clock <see cref="MonotonicKey"/> is on.</summary>
    public const string OriginKey = "oc-deadline-origin";

    /// <summary>This process's name for its own monotonic clock.</summary>
    public static readonly string ProcessOrigin = Guid.NewGuid().ToString("N");

    /// <summary>The deadline of the current call chain, if any.</summary>
    public static DateTimeOffset? Current =>
        RequestContext.Get(UtcTicksKey) is long ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>
    /// The time left before the current call chain's deadline (never negative); null when the chain has none. Give a
    /// dependency call (HTTP, a database) at most this, so that it never runs on after its caller stopped waiting.
    /// Measured on the monotonic clock when the deadline was set in this process, so a wall-clock step cannot move it.
    /// </summary>
    public static TimeSpan? TimeLeft()
    {
        if (RequestContext.Get(UtcTicksKey) is not long ticks)
        {
            return null;
        }

        var left = IsLocal(out var monotonic)
            ? Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), monotonic)
            : new DateTimeOffset(ticks, TimeSpan.Zero) - DateTimeOffset.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>True when the current chain's deadline has passed.</summary>
    public static bool HasPassed() => TimeLeft() is { } left && left <= TimeSpan.Zero;

    /// <summary>
    /// <paramref name="timeout"/>, shortened to the time left before the call chain's deadline: the timeout to give one
    /// attempt of a dependency call made for this chain.
    /// </summary>
    public static TimeSpan Bound(TimeSpan timeout) => TimeLeft() is { } left && left < timeout ? left : timeout;

    /// <summary>Gives the calls made inside the returned scope at most <paramref name="timeout"/> from now, unless the chain already has less.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative.</exception>
    public static IDisposable WithTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        var previous = (RequestContext.Get(UtcTicksKey), RequestContext.Get(MonotonicKey), RequestContext.Get(OriginKey));
        if (TimeLeft() is not { } left || timeout < left)
        {
            var monotonic = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            RequestContext.Set(UtcTicksKey, (DateTimeOffset.UtcNow + timeout).UtcTicks);
            RequestContext.Set(MonotonicKey, monotonic);
            RequestContext.Set(OriginKey, ProcessOrigin);
        }

        return new Scope(previous);
    }

    /// <summary>Gives the calls made inside the returned scope the given deadline, unless the chain already has an earlier one.</summary>
    public static IDisposable WithDeadline(DateTimeOffset deadline)
    {
        var left = deadline - DateTimeOffset.UtcNow;
        return WithTimeout(left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    /// <summary>True when the current deadline was set in this process; <paramref name="monotonic"/> is then its Stopwatch timestamp.</summary>
    public static bool IsLocal(out long monotonic)
    {
        if (RequestContext.Get(OriginKey) is string origin && origin == ProcessOrigin && RequestContext.Get(MonotonicKey) is long timestamp)
        {
            monotonic = timestamp;
            return true;
        }

        monotonic = 0;
        return false;
    }

    private sealed class Scope((object? UtcTicks, object? Monotonic, object? Origin) previous) : IDisposable
    {
        public void Dispose()
        {
            Restore(UtcTicksKey, previous.UtcTicks);
            Restore(MonotonicKey, previous.Monotonic);
            Restore(OriginKey, previous.Origin);
        }

        private static void Restore(string key, object? value)
        {
            if (value is null)
            {
                RequestContext.Remove(key);
            }
            else
            {
                RequestContext.Set(key, value);
            }
        }
    }
}
