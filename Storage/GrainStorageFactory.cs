using Microsoft.Extensions.Logging;
using OrleansConsistency.Storage.Postgres;
using OrleansConsistency.Storage.Sqlite;

namespace OrleansConsistency.Storage;

/// <summary>Creates the storage provider that <see cref="StorageOptions.Provider"/> names.</summary>
public static class GrainStorageFactory
{
    /// <summary>
    /// Creates a provider. It opens no connection yet; call <see cref="StorageProvider.MigrateAsync"/> before first
    /// use.
    /// </summary>
    /// <param name="options">The options; validated and copied, so later changes do not affect the provider.</param>
    /// <param name="faultInjector">Faults to inject into writes; a fresh, inactive injector when null.</param>
    /// <param name="timeProvider">The clock for timestamps, batch delays and injected latency.</param>
    /// <param name="loggerFactory">Creates the provider's loggers.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static StorageProvider Create(StorageOptions options, StorageFaultInjector? faultInjector, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        var snapshot = options.Clone();
        var faults = faultInjector ?? new StorageFaultInjector();
        IStorageBackend backend = snapshot.IsPostgres
            ? new PostgresGrainStorage(snapshot, faults, timeProvider, loggerFactory)
            : new SqliteGrainStorage(snapshot, faults, timeProvider, loggerFactory);
        return new StorageProvider(backend, snapshot, faults, timeProvider, loggerFactory);
    }
}
