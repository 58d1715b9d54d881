using OrleansConsistency.Runtime.Storage;

namespace OrleansConsistency.Runtime.Hosting;

/// <summary>Brings the database schema up to date before the silo serves calls; safe when several silos start at once.</summary>
internal sealed class StorageMigrationStartupTask(StorageProvider storage) : ISiloStartupTask
{
    public Task ExecuteAsync(CancellationToken cancellationToken) => storage.MigrateAsync(cancellationToken);
}
