namespace OrleansConsistency.Storage;

/// <summary>What every provider implements; <see cref="StorageProvider"/> is its public face.</summary>
internal interface IStorageBackend : IGrainStateStore, IIntentStore, IEventLog, IConsumerCheckpointStore, IStreamQueueCheckpointStore, IConsumerFailureStore, IProjectionStore, IAsyncDisposable
{
    GroupCommitStatistics Statistics { get; }

    StorageHealth Health { get; }
}
