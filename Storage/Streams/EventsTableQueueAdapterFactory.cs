using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansConsistency.Storage.Streams;

/// <summary>
/// An Orleans persistent stream provider whose source is the events table: read-only, because the producer is the
/// storage transaction that commits a grain's state with its event rows, not <c>OnNextAsync</c>. There is no second
/// write that could fail on its own. Orleans' queue balancer decides which silo reads which queue.
/// </summary>
internal sealed class EventsTableQueueAdapterFactory : IQueueAdapterFactory, IQueueAdapter
{
    private readonly EventQueues _queues;
    private readonly StorageProvider? _storage;
    private readonly EventsTableStreamOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SimpleQueueAdapterCache _cache;
    private readonly NoOpStreamDeliveryFailureHandler _failures = new(false);

    /// <param name="queues">The provider's queues.</param>
    /// <param name="storage">The events table; null in a client, which only subscribes.</param>
    /// <param name="options">How to read.</param>
    /// <param name="time">The clock for poll and checkpoint intervals.</param>
    /// <param name="loggerFactory">Loggers.</param>
    public EventsTableQueueAdapterFactory(EventQueues queues, StorageProvider? storage, EventsTableStreamOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _queues = queues;
        _storage = storage;
        _options = options;
        _time = time;
        _loggerFactory = loggerFactory;
        _cache = new SimpleQueueAdapterCache(new SimpleQueueCacheOptions { CacheSize = options.CacheSize }, queues.ProviderName, loggerFactory);
    }

    public string Name => _queues.ProviderName;

    // Subscribers never rewind through Orleans: resuming from a version is read back from the log, not from a token.
    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadOnly;

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) => Task.FromResult<IQueueAdapter>(this);

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _queues.Mapper;

    // A subscriber that throws is retried by Orleans and then skipped; the project's subscribers never throw (they
    // retry and dead-letter themselves), so there is nothing to do here.
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => Task.FromResult<IStreamFailureHandler>(_failures);

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext) =>
        throw new NotSupportedException($"Stream provider '{Name}' is read-only: events are published by committing a grain's state with its event rows, in one transaction.");

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        _storage is null
            ? throw new InvalidOperationException($"Stream provider '{Name}' has no events table in this process (a client); only silos read queues.")
            : new EventsTableQueueReceiver(
                queueId,
                _queues,
                _storage,
                _storage,
                _options,
                _storage.Options.IsPostgres ? _options.LateCommitWindow : TimeSpan.Zero,
                _time,
                _loggerFactory.CreateLogger<EventsTableQueueReceiver>());
}
