using Orleans;
using Orleans.Runtime;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Silo.Hosting;

/// <summary>
/// Brings the database schema up to date first thing while the silo starts: before Orleans' membership reads its table
/// on PostgreSQL and before any grain can activate and read its state; safe when several silos start at once (the
/// migrator takes a database lock).
/// </summary>
internal sealed class StorageMigrationLifecycle(StorageProvider storage) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StorageMigrationLifecycle), ServiceLifecycleStage.First, async cancellationToken => await storage.MigrateAsync(cancellationToken).ConfigureAwait(false));
}
