namespace OrleansConsistency.Storage.Migrations;

/// <summary>Brings the storage schema up to date; run at start-up before the first read or write.</summary>
public interface IStorageMigrator
{
    /// <summary>
    /// Applies the migrations the database does not have yet, each recorded in <c>schema_migrations</c>. Safe to run
    /// again and from several processes at once: the runs are serialized and a later one applies nothing.
    /// </summary>
    /// <returns>How many migrations this call applied.</returns>
    Task<int> MigrateAsync(CancellationToken cancellationToken = default);
}
