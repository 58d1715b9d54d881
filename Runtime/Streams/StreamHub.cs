using System.Collections.Concurrent;
using System.Collections.Immutable;
using OrleansConsistency.Runtime.Storage;

namespace OrleansConsistency.Runtime.Streams;

/// <summary>
/// Hands events to this silo's subscribers right after their commit. Per stream, commits come from one activation
/// one at a time, so calling listeners in commit order keeps version order.
/// </summary>
internal sealed class StreamHub
{
    private readonly ConcurrentDictionary<StreamId, ImmutableArray<IStreamListener>> _listeners = new();

    public int SubscriptionCount => _listeners.Values.Sum(l => l.Length);

    public void Register(StreamId stream, IStreamListener listener) =>
        _listeners.AddOrUpdate(stream, _ => [listener], (_, existing) => existing.Add(listener));

    public void Unregister(StreamId stream, IStreamListener listener)
    {
        while (_listeners.TryGetValue(stream, out var existing))
        {
            var remaining = existing.Remove(listener);
            var updated = remaining.IsEmpty
                ? _listeners.TryRemove(new KeyValuePair<StreamId, ImmutableArray<IStreamListener>>(stream, existing))
                : _listeners.TryUpdate(stream, remaining, existing);
            if (updated)
            {
                return;
            }
        }
    }

    public void Publish(IReadOnlyList<EventRecord> committed)
    {
        foreach (var record in committed)
        {
            if (_listeners.TryGetValue(new StreamId(record.StreamNamespace, record.StreamKey), out var listeners))
            {
                foreach (var listener in listeners)
                {
                    listener.OnCommitted(record);
                }
            }
        }
    }

    public void Nudge(IReadOnlyList<EventRecord> maybeCommitted)
    {
        foreach (var stream in maybeCommitted.Select(r => new StreamId(r.StreamNamespace, r.StreamKey)).Distinct())
        {
            if (_listeners.TryGetValue(stream, out var listeners))
            {
                foreach (var listener in listeners)
                {
                    listener.OnPossiblyMissed();
                }
            }
        }
    }
}
