using Microsoft.Extensions.Logging;
using OrleansConsistency.Storage.Migrations;

namespace OrleansConsistency.Storage;

/// <summary>
/// A configured storage provider (SQLite or PostgreSQL): grain state with group-committed writes, the intent
/// store, the event log, consumer checkpoints and failures, stream queue checkpoints, and projections on one database. Create it with
/// <see cref="GrainStorageFactory.Create"/>, run <see cref="MigrateAsync"/> at start-up, and dispose it at shutdown
/// (queued writes are committed first).
/// </summary>
public sealed class StorageProvider
    : IGrainStateStore, IIntentStore, IEventLog, IConsumerCheckpointStore, IStreamQueueCheckpointStore, IConsumerFailureStore, IProjectionStore,
        IAsyncDisposable
{
    /// <summary>The most events one <see cref="ReadQueueAsync"/> returns.</summary>
    public const int MaxQueueReadCount = 10_000;

    private readonly IStorageBackend _backend;
    private readonly StorageMigrator _migrator;
    private readonly TimeProvider _timeProvider;

    internal StorageProvider(IStorageBackend backend, StorageOptions options, StorageFaultInjector faultInjector, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _backend = backend;
        Options = options;
        FaultInjector = faultInjector;
        _timeProvider = timeProvider;
        _migrator = new StorageMigrator(options, loggerFactory, timeProvider);
    }

    /// <inheritdoc />
    public string Name => _backend.Name;

    /// <summary>A copy of the options the provider was created with.</summary>
    public StorageOptions Options { get; }

    /// <summary>Counters of committed transactions and writes.</summary>
    public GroupCommitStatistics Statistics => _backend.Statistics;

    /// <summary>The breaker on the database that the write path feeds and consults: writes are refused at once while it is open.</summary>
    public StorageHealth Health => _backend.Health;

    /// <summary>The fault injector the write path consults.</summary>
    public StorageFaultInjector FaultInjector { get; }

    /// <summary>The provider's schema migrator.</summary>
    public IStorageMigrator Migrator => _migrator;

    /// <summary>Applies missing schema migrations (see <see cref="IStorageMigrator.MigrateAsync"/>).</summary>
    /// <returns>How many migrations were applied.</returns>
    public Task<int> MigrateAsync(CancellationToken cancellationToken = default) => _migrator.MigrateAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<StoredGrainState?> ReadAsync(string grainType, string grainId, CancellationToken cancellationToken = default)
    {
        var latency = FaultInjector.ReadLatency;
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return await _backend.ReadAsync(grainType, grainId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<string> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken = default) =>
        _backend.WriteAsync(write, cancellationToken);

    /// <inheritdoc />
    public Task<IntentRecord?> FindAsync(string resourceId, string idempotencyKey, CancellationToken cancellationToken = default) =>
        _backend.FindAsync(resourceId, idempotencyKey, cancellationToken);

    /// <inheritdoc />
    public Task<int> PurgeExpiredAsync(DateTimeOffset now, int maxRows, CancellationToken cancellationToken = default) =>
        _backend.PurgeExpiredAsync(now, maxRows, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventRecord>> ReadStreamAsync(
        string streamNamespace, string streamKey, long fromVersionInclusive, int maxCount, CancellationToken cancellationToken = default) =>
        _backend.ReadStreamAsync(streamNamespace, streamKey, fromVersionInclusive, maxCount, cancellationToken);

    /// <inheritdoc />
    public Task<long?> GetOldestVersionAsync(string streamNamespace, string streamKey, CancellationToken cancellationToken = default) =>
        _backend.GetOldestVersionAsync(streamNamespace, streamKey, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventRecord>> ReadNamespaceAsync(
        string streamNamespace, long afterSequence, int maxCount, CancellationToken cancellationToken = default) =>
        _backend.ReadNamespaceAsync(streamNamespace, afterSequence, maxCount, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventRecord>> ReadQueueAsync(int queue, long afterSequence, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, MaxQueueReadCount);
        return _backend.ReadQueueAsync(queue, afterSequence, maxCount, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> ReadLastSequenceAsync(CancellationToken cancellationToken = default) =>
        _backend.ReadLastSequenceAsync(cancellationToken);

    /// <inheritdoc />
    public Task<long?> GetQueueCheckpointAsync(string provider, int queue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return _backend.GetQueueCheckpointAsync(provider, queue, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetQueueCheckpointAsync(string provider, int queue, long sequence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return _backend.SetQueueCheckpointAsync(provider, queue, sequence, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long?> GetAsync(string consumer, string resourceId, CancellationToken cancellationToken = default) =>
        _backend.GetAsync(consumer, resourceId, cancellationToken);

    /// <inheritdoc />
    public Task<long> SetAsync(string consumer, string resourceId, long version, CancellationToken cancellationToken = default) =>
        _backend.SetAsync(consumer, resourceId, version, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ConsumerBacklogItem>> ListBehindAsync(
        string consumer, string grainType, string resourceIdPrefix, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(grainType);
        ArgumentNullException.ThrowIfNull(resourceIdPrefix);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return _backend.ListBehindAsync(consumer, grainType, resourceIdPrefix, limit, cancellationToken);
    }

    /// <inheritdoc />
    public Task RecordFailureAsync(ConsumerFailure failure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return _backend.RecordFailureAsync(failure, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveFailureAsync(string consumer, string resourceId, long version, CancellationToken cancellationToken = default) =>
        _backend.RemoveFailureAsync(consumer, resourceId, version, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ConsumerFailure>> ListFailuresAsync(string resourceId, CancellationToken cancellationToken = default) =>
        _backend.ListFailuresAsync(resourceId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ConsumerFailure>> ListFailuresByConsumerAsync(string consumer, string? resourceId, CancellationToken cancellationToken = default) =>
        _backend.ListFailuresByConsumerAsync(consumer, resourceId, cancellationToken);

    /// <inheritdoc />
    public Task<bool> UpsertAsync(ProjectionRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        return _backend.UpsertAsync(row, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> UpsertAsync(ProjectionRow row, ConsumerCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(checkpoint);
        return _backend.UpsertAsync(row, checkpoint, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ProjectionRow?> GetAsync(string projection, string partition, string key, CancellationToken cancellationToken = default) =>
        _backend.GetAsync(projection, partition, key, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ProjectionRow>> ListAsync(
        string projection, string partition, string? afterKey, int limit, bool includeDeleted, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return _backend.ListAsync(projection, partition, afterKey, limit, includeDeleted, cancellationToken);
    }

    /// <summary>Commits the writes already queued, then closes the provider's connections.</summary>
    public ValueTask DisposeAsync() => _backend.DisposeAsync();
}
