using System.Collections.Concurrent;
using System.Collections.Immutable;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Storage.Streams;

/// <summary>
/// Hands events to this silo's subscribers right after their commit. Per stream, commits come from one activation
/// one at a time, so calling listeners in commit order keeps version order.
/// </summary>
internal sealed class StreamHub
{
    private readonly ConcurrentDictionary<EventStreamId, ImmutableArray<IStreamListener>> _listeners = new();
    private ImmutableArray<(string Prefix, Action<EventRecord> OnCommitted)> _observers = [];

    public int SubscriptionCount => _listeners.Values.Sum(l => l.Length);

    public void Register(EventStreamId stream, IStreamListener listener) =>
        _listeners.AddOrUpdate(stream, _ => [listener], (_, existing) => existing.Add(listener));

    public void Unregister(EventStreamId stream, IStreamListener listener)
    {
        while (_listeners.TryGetValue(stream, out var existing))
        {
            var remaining = existing.Remove(listener);
            var updated = remaining.IsEmpty
                ? _listeners.TryRemove(new KeyValuePair<EventStreamId, ImmutableArray<IStreamListener>>(stream, existing))
                : _listeners.TryUpdate(stream, remaining, existing);
            if (updated)
            {
                return;
            }
        }
    }

    public IDisposable Observe(string namespacePrefix, Action<EventRecord> onCommitted)
    {
        var observer = (namespacePrefix, onCommitted);
        ImmutableInterlocked.Update(ref _observers, list => list.Add(observer));
        return new Observation(() => ImmutableInterlocked.Update(ref _observers, list => list.Remove(observer)));
    }

    public void Publish(IReadOnlyList<EventRecord> committed)
    {
        var observers = _observers;
        foreach (var record in committed)
        {
            foreach (var (prefix, onCommitted) in observers)
            {
                if (record.StreamNamespace.StartsWith(prefix, StringComparison.Ordinal))
                {
                    onCommitted(record);
                }
            }

            NotifySubscribers(record);
        }
    }

    /// <summary>
    /// Hands events committed elsewhere (another silo) to this silo's stream subscribers only; namespace observers
    /// (consumers, per-type feeds) hear only this silo's commits, in commit order.
    /// </summary>
    public void PublishToSubscribers(IReadOnlyList<EventRecord> committed)
    {
        foreach (var record in committed)
        {
            NotifySubscribers(record);
        }
    }

    public void Nudge(IReadOnlyList<EventRecord> maybeCommitted)
    {
        foreach (var stream in maybeCommitted.Select(r => new EventStreamId(r.StreamNamespace, r.StreamKey)).Distinct())
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

    private void NotifySubscribers(EventRecord record)
    {
        if (_listeners.TryGetValue(new EventStreamId(record.StreamNamespace, record.StreamKey), out var listeners))
        {
            foreach (var listener in listeners)
            {
                listener.OnCommitted(record);
            }
        }
    }

    private sealed class Observation(Action remove) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                remove();
            }
        }
    }
}
