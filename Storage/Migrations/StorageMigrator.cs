using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansConsistency.Storage.Sqlite;

namespace OrleansConsistency.Storage.Migrations;

/// <summary>
/// Applies the versioned schema migrations of the configured provider, recording each in
/// <c>schema_migrations(version, name, applied_at)</c>. Concurrent runs are serialized by the database itself
/// (PostgreSQL: a transaction-scoped advisory lock; SQLite: <c>BEGIN IMMEDIATE</c>), and each run applies all
/// missing steps in one transaction, so a failed run leaves the schema as it was.
/// </summary>
public sealed class StorageMigrator : IStorageMigrator
{
    private readonly StorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a migrator for the given options.</summary>
    /// <param name="options">The storage options; validated here.</param>
    /// <param name="loggerFactory">Logs each applied migration; optional.</param>
    /// <param name="timeProvider">The clock of <c>applied_at</c>; the system clock when null.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public StorageMigrator(StorageOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<StorageMigrator>();
    }

    /// <inheritdoc />
    /// <exception cref="StorageUnavailableException">The database could not be reached.</exception>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return _options.IsPostgres
                ? await MigratePostgresAsync(cancellationToken).ConfigureAwait(false)
                : await MigrateSqliteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException exception) when (exception is NpgsqlException and not PostgresException or SqliteException { SqliteErrorCode: 5 or 6 or 14 })
        {
            throw new StorageUnavailableException($"The {_options.Provider} storage could not be migrated: {exception.Message}", exception);
        }
    }

    private async Task<int> MigratePostgresAsync(CancellationToken cancellationToken)
    {
        // A private, unpooled connection: migrations run once at start-up and must not leave a pool behind.
        var builder = new NpgsqlConnectionStringBuilder(_options.EffectiveConnectionString) { Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Held until COMMIT: a second silo migrating at the same moment waits here, then finds nothing to do.
                await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({PostgresMigrations.AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, PostgresMigrations.CreateHistory, cancellationToken).ConfigureAwait(false);
                var applied = await ApplyMissingAsync(connection, PostgresMigrations.All, "$1, $2, $3", cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return applied;
            }
        }
    }

    private async Task<int> MigrateSqliteAsync(CancellationToken cancellationToken)
    {
        var configured = _options.EffectiveConnectionString;
        SqliteConnectionStrings.EnsureDirectory(configured);
        var connection = new SqliteConnection(SqliteConnectionStrings.Dedicated(configured));
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // WAL is a property of the file and cannot change inside a transaction, so it is set before BEGIN.
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {SqliteConnectionStrings.BusyTimeoutSeconds * 1000}; PRAGMA journal_mode = WAL", cancellationToken)
                .ConfigureAwait(false);

            // IMMEDIATE takes the write lock at once, so two migrators are serialized instead of both reading "not
            // applied" and then colliding.
            await ExecuteAsync(connection, "BEGIN IMMEDIATE", cancellationToken).ConfigureAwait(false);
            try
            {
                await ExecuteAsync(connection, SqliteMigrations.CreateHistory, cancellationToken).ConfigureAwait(false);
                var applied = await ApplyMissingAsync(connection, SqliteMigrations.All, "$p1, $p2, $p3", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, "COMMIT", cancellationToken).ConfigureAwait(false);
                return applied;
            }
            catch
            {
                await TryRollbackAsync(connection).ConfigureAwait(false);
                throw;
            }
        }
    }

    private async Task<int> ApplyMissingAsync(DbConnection connection, IReadOnlyList<Migration> migrations, string valuePlaceholders, CancellationToken cancellationToken)
    {
        var done = new HashSet<int>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT version FROM schema_migrations";
            var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    done.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }

        var applied = 0;
        foreach (var migration in migrations.OrderBy(m => m.Version))
        {
            if (done.Contains(migration.Version))
            {
                continue;
            }

            await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
            using (var record = connection.CreateCommand())
            {
                record.CommandText = $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({valuePlaceholders})";
                AddParameter(record, migration.Version);
                AddParameter(record, migration.Name);
                AddParameter(record, _time.GetUtcNow().ToUnixTimeMilliseconds());
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            StorageLog.MigrationApplied(_logger, migration.Version, migration.Name, _options.Provider);
            applied++;
        }

        return applied;
    }

    private static void AddParameter(DbCommand command, object value)
    {
        var parameter = command.CreateParameter();
        parameter.Value = value;

        // SQLite binds "$p1" by name; Npgsql binds unnamed parameters to "$1" by position.
        if (command is SqliteCommand)
        {
            parameter.ParameterName = "$p" + (command.Parameters.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        command.Parameters.Add(parameter);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task TryRollbackAsync(DbConnection connection)
    {
        try
        {
            await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None).ConfigureAwait(false);
        }
        catch (SqliteException)
        {
            // SQLite already rolled back; closing the connection would anyway.
        }
    }
}
