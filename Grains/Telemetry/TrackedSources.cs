using System.Collections.Concurrent;

namespace OrleansConsistency.Grains.Telemetry;

/// <summary>
/// Live things an observable instrument reads when it is collected (a consumer's lag, a breaker's state). Each is
/// tracked until its registration is disposed, so a stopped silo stops reporting.
/// </summary>
/// <typeparam name="T">What each source reports.</typeparam>
internal sealed class TrackedSources<T>
{
    private readonly ConcurrentDictionary<object, (string Name, Func<T> Read)> _sources = new();

    public IDisposable Track(string name, Func<T> read)
    {
        var token = new Registration(this);
        _sources[token] = (name, read);
        return token;
    }

    /// <summary>Reads every tracked source now; a source that throws is left out of this collection.</summary>
    public IEnumerable<(string Name, T Value)> Read()
    {
        foreach (var (name, read) in _sources.Values)
        {
            T value;
            try
            {
                value = read();
            }
#pragma warning disable CA1031 // A metric must never break a scrape.
            catch (Exception)
#pragma warning restore CA1031
            {
                continue;
            }

            yield return (name, value);
        }
    }

    private sealed class Registration(TrackedSources<T> owner) : IDisposable
    {
        public void Dispose() => owner._sources.TryRemove(this, out _);
    }
}
