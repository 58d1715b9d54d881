using OrleansConsistency.Storage;

namespace OrleansConsistency.Storage.Streams;

/// <summary>Gives access to durable, rewindable streams whose events are committed with grain state.</summary>
public interface IEventStreams
{
    /// <summary>Returns the stream with the given id, whose items are <typeparamref name="T"/> (JSON in the log).</summary>
    IEventStream<T> GetStream<T>(EventStreamId streamId);

    /// <summary>
    /// Calls <paramref name="onCommitted"/> with every event committed in this silo whose stream namespace starts with
    /// <paramref name="namespacePrefix"/>, right after its commit, until disposed. Live only and in commit order: a
    /// consumer that must not miss anything also reads the log (which is what consumers' catch-up does). The callback
    /// must not block; it runs on the committing path.
    /// </summary>
    IDisposable ObserveCommitted(string namespacePrefix, Action<EventRecord> onCommitted);
}
