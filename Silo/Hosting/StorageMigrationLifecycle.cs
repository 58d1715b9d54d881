using Orleans;
using Orleans.Runtime;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Silo.Hosting;

/// <summary>
/// Brings the database schema up to date while the silo starts, before any grain can activate and read its state
/// (Orleans' storage stage); safe when several silos start at once (the migrator takes a database lock).
/// </summary>
internal sealed class StorageMigrationLifecycle(StorageProvider storage) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StorageMigrationLifecycle), ServiceLifecycleStage.RuntimeStorageServices, async cancellationToken => await storage.MigrateAsync(cancellationToken).ConfigureAwait(false));
}
