using System.Collections.Immutable;

namespace OrleansConsistency.Runtime;

/// <summary>
/// Values that travel with a call chain, as in Orleans: set them before calling a grain and the grain (and every
/// grain it calls) sees them. Also carries the chain's deadline, which calls can shorten but never extend.
/// </summary>
public static class RequestContext
{
    private static readonly AsyncLocal<RequestContextData?> Current = new();

    /// <summary>The deadline of the current call chain, if any.</summary>
    public static DateTimeOffset? Deadline => Current.Value?.Deadline;

    /// <summary>
    /// The time left before the current call chain's deadline (never negative); null when the chain has none. Give a
    /// dependency call (HTTP, a database) at most this, so that it never runs on after its caller stopped waiting.
    /// </summary>
    public static TimeSpan? TimeLeft(TimeProvider? timeProvider = null)
    {
        if (Deadline is not { } deadline)
        {
            return null;
        }

        var left = deadline - (timeProvider ?? TimeProvider.System).GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>
    /// <paramref name="timeout"/>, shortened to the time left before the call chain's deadline: the timeout to give one
    /// attempt of a dependency call made for this chain.
    /// </summary>
    public static TimeSpan Bound(TimeSpan timeout, TimeProvider? timeProvider = null) =>
        TimeLeft(timeProvider) is { } left && left < timeout ? left : timeout;

    /// <summary>Sets a value that flows to the grains called from here.</summary>
    public static void Set(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        var data = Current.Value ?? RequestContextData.Empty;
        Current.Value = data with { Values = data.Values.SetItem(key, value) };
    }

    /// <summary>Returns a value set in this call chain, or null.</summary>
    public static string? Get(string key) =>
        Current.Value is { } data && data.Values.TryGetValue(key, out var value) ? value : null;

    /// <summary>Removes a value.</summary>
    public static void Remove(string key)
    {
        if (Current.Value is { } data)
        {
            Current.Value = data with { Values = data.Values.Remove(key) };
        }
    }

    /// <summary>
    /// Gives the calls made inside the returned scope the given deadline, unless the chain already has an earlier one.
    /// </summary>
    public static IDisposable WithDeadline(DateTimeOffset deadline)
    {
        var previous = Current.Value;
        var data = previous ?? RequestContextData.Empty;
        var effective = data.Deadline is { } inherited && inherited < deadline ? inherited : deadline;
        Current.Value = data with { Deadline = effective };
        return new Scope(previous);
    }

    /// <summary>Gives the calls made inside the returned scope at most <paramref name="timeout"/> from now.</summary>
    public static IDisposable WithTimeout(TimeSpan timeout, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        return WithDeadline((timeProvider ?? TimeProvider.System).GetUtcNow() + timeout);
    }

    internal static RequestContextData? Capture() => Current.Value;

    internal static void Restore(RequestContextData? data) => Current.Value = data;

    private sealed class Scope(RequestContextData? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
