using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansConsistency.Runtime.Storage;

namespace OrleansConsistency.Runtime.Streams;

/// <summary>Streams backed by the <c>events</c> table: durable and rewindable, with live delivery inside this silo.</summary>
internal sealed class EventLogStreamProvider(IEventLog log, StreamHub hub, JsonSerializerOptions json, ILoggerFactory loggerFactory) : IStreamProvider
{
    public IAsyncStream<T> GetStream<T>(StreamId streamId)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId.Namespace, nameof(streamId));
        ArgumentException.ThrowIfNullOrEmpty(streamId.Key, nameof(streamId));
        return new AsyncStream<T>(streamId, this);
    }

    internal async Task<StreamSubscriptionHandle> SubscribeAsync<T>(StreamId stream, Func<T, StreamSequenceToken, Task> onNext, StreamSequenceToken? token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onNext);
        if (token is { SequenceNumber: < 0 })
        {
            throw new ArgumentOutOfRangeException(nameof(token), token.SequenceNumber, "A stream position is a version, 0 or more.");
        }

        var subscription = new StreamSubscription<T>(stream, hub, log, json, onNext, token?.SequenceNumber, loggerFactory.CreateLogger("OrleansConsistency.Streams"));

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

    private sealed class AsyncStream<T>(StreamId streamId, EventLogStreamProvider provider) : IAsyncStream<T>
    {
        public StreamId StreamId => streamId;

        public Task<StreamSubscriptionHandle> SubscribeAsync(Func<T, StreamSequenceToken, Task> onNextAsync, StreamSequenceToken? token = null, CancellationToken cancellationToken = default) =>
            provider.SubscribeAsync(streamId, onNextAsync, token, cancellationToken);
    }
}
