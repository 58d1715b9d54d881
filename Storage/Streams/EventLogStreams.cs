using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Storage.Streams;

/// <summary>Streams backed by the <c>events</c> table: durable and rewindable, with live delivery inside this silo.</summary>
internal sealed class EventLogStreams(IEventLog log, StreamHub hub, JsonSerializerOptions json, ILoggerFactory loggerFactory) : IEventStreams
{
    public IEventStream<T> GetStream<T>(EventStreamId streamId)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId.Namespace, nameof(streamId));
        ArgumentException.ThrowIfNullOrEmpty(streamId.Key, nameof(streamId));
        return new AsyncStream<T>(streamId, this);
    }

    public IDisposable ObserveCommitted(string namespacePrefix, Action<EventRecord> onCommitted)
    {
        ArgumentNullException.ThrowIfNull(namespacePrefix);
        ArgumentNullException.ThrowIfNull(onCommitted);
        return hub.Observe(namespacePrefix, onCommitted);
    }

    internal async Task<EventStreamSubscriptionHandle> SubscribeAsync<T>(EventStreamId stream, Func<T, EventStreamPosition, Task> onNext, EventStreamPosition? token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onNext);
        if (token is { SequenceNumber: < 0 })
        {
            throw new ArgumentOutOfRangeException(nameof(token), token.SequenceNumber, "A stream position is a version, 0 or more.");
        }

        var subscription = new EventStreamSubscription<T>(stream, hub, log, json, onNext, token?.SequenceNumber, loggerFactory.CreateLogger("OrleansConsistency.Streams"));

        // Listen before reading the log, so an event committed in between is buffered, not lost.
        hub.Register(stream, subscription);
        try
        {
            if (token is not null && await log.GetOldestVersionAsync(stream.Namespace, stream.Key, cancellationToken).ConfigureAwait(false) is { } oldest && oldest > token.SequenceNumber + 1)
            {
                throw new StreamTokenTooOldException(stream, token.SequenceNumber, oldest);
            }
        }
        catch
        {
            hub.Unregister(stream, subscription);
            throw;
        }

        subscription.Start();
        return subscription;
    }

    private sealed class AsyncStream<T>(EventStreamId streamId, EventLogStreams provider) : IEventStream<T>
    {
        public EventStreamId EventStreamId => streamId;

        public Task<EventStreamSubscriptionHandle> SubscribeAsync(Func<T, EventStreamPosition, Task> onNextAsync, EventStreamPosition? token = null, CancellationToken cancellationToken = default) =>
            provider.SubscribeAsync(streamId, onNextAsync, token, cancellationToken);
    }
}
