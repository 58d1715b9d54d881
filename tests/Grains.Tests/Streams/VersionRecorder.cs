using System.Collections.Concurrent;

namespace OrleansConsistency.Grains.Tests.Streams;

/// <summary>
/// What subscribers received, per subscriber: every version in arrival order, so a test can check each got versions
/// exactly once and in order; <see cref="WaitForAsync"/> returns once each subscriber got up to its expected version.
/// </summary>
internal sealed class VersionRecorder
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<long>> _received = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, ConcurrentQueue<long>> Received => _received;

    public void Register(string subscriber) => _received.GetOrAdd(subscriber, _ => new ConcurrentQueue<long>());

    public void Record(string subscriber, long version) => _received.GetOrAdd(subscriber, _ => new ConcurrentQueue<long>()).Enqueue(version);

    public IReadOnlyList<long> Of(string subscriber) => _received.TryGetValue(subscriber, out var versions) ? [.. versions] : [];

    /// <summary>Waits until every subscriber named got <paramref name="lastVersion"/>; returns false after <paramref name="patience"/>.</summary>
    public async Task<bool> WaitForAsync(IEnumerable<string> subscribers, long lastVersion, TimeSpan patience)
    {
        var names = subscribers.ToList();
        using var limit = new CancellationTokenSource(patience);
        while (!names.All(s => Of(s).Contains(lastVersion)))
        {
            try
            {
                await Task.Delay(50, limit.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Asserts the subscriber got exactly <paramref name="from"/>..<paramref name="to"/>, once each and in order.</summary>
    public void AssertExactly(string subscriber, long from, long to)
    {
        var got = Of(subscriber);
        Assert.True(
            got.SequenceEqual(Enumerable.Range((int)from, (int)(to - from + 1)).Select(v => (long)v)),
            $"{subscriber}: expected {from}..{to} once each in order, got {got.Count} versions [{string.Join(", ", got.Take(40))}{(got.Count > 40 ? ", …" : string.Empty)}]");
    }
}
