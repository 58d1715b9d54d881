namespace OrleansConsistency.Runtime.Storage;

/// <summary>What every provider implements; <see cref="StorageProvider"/> is its public face.</summary>
internal interface IStorageBackend : IGrainStorage, IIntentStore, IEventLog, IConsumerCheckpointStore, IConsumerFailureStore, IProjectionStore, IAsyncDisposable
{
    GroupCommitStatistics Statistics { get; }

    StorageHealth Health { get; }
}
