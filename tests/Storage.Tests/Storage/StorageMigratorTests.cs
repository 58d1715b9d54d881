using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Migrations;
using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Storage;

public sealed class StorageMigratorTests
{
    [Theory, StorageProviders]
    public async Task MigrateAsync_RunTwice_SecondRunAppliesNothing(string provider)
    {
        var migrator = new StorageMigrator(await StorageFixture.NewOptionsAsync(provider));

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.True(first > 0);
        Assert.Equal(0, second);
    }

    [Theory, StorageProviders]
    public async Task MigrateAsync_TwoMigratorsAtOnce_ApplyEachMigrationOnce(string provider)
    {
        var expected = await new StorageMigrator(await StorageFixture.NewOptionsAsync(provider)).MigrateAsync();
        var options = await StorageFixture.NewOptionsAsync(provider);

        var applied = await Task.WhenAll(new StorageMigrator(options).MigrateAsync(), new StorageMigrator(options).MigrateAsync());

        Assert.Equal(expected, applied.Sum());
        Assert.Contains(0, applied);
        await using var storage = await StorageFixture.CreateStorageAsync(options);
        Assert.Equal("1", await storage.WriteAsync(State("g1", null, records: Records(Intent("r", "k"), Event("g1", 1)))));
        Assert.True(await storage.UpsertAsync(new ProjectionRow("p", "part", "k", 1, false, null, Now, Now)));
        await storage.RecordFailureAsync(new ConsumerFailure("c", "r", 1, "gave up", 3, Now));
        Assert.Single(await storage.ListFailuresAsync("r"));
    }

    [Theory, StorageProviders]
    public async Task MigrateAsync_DatabaseAtMigration1_AppliesTheRestAndKeepsTheData(string provider)
    {
        var options = await StorageFixture.NewOptionsAsync(provider);
        var (migrations, createHistory) = provider == StorageOptions.PostgresProvider
            ? (PostgresMigrations.All, PostgresMigrations.CreateHistory)
            : (SqliteMigrations.All, SqliteMigrations.CreateHistory);
        await using (var connection = Connect(options))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, createHistory);
            await ExecuteAsync(connection, migrations[0].Sql);
            await ExecuteAsync(connection, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'initial schema', 0)");
            await ExecuteAsync(connection, $"INSERT INTO grain_state VALUES ('{TestGrainType}', 'g1', 1, 3, '{{}}', 0)");
        }

        var applied = await new StorageMigrator(options).MigrateAsync();

        Assert.Equal(migrations.Count - 1, applied);
        await using var storage = await StorageFixture.CreateStorageAsync(options);
        Assert.Equal(new StoredGrainState("1", 3, "{}"), await storage.ReadAsync(TestGrainType, "g1"));
        Assert.Equal([new ConsumerBacklogItem("g1", 0, 3)], await storage.ListBehindAsync("c", TestGrainType, "", 10));
    }

    [Theory, StorageProviders]
    public async Task MigrateAsync_FreshDatabase_HasNoneOfTheHomeMadeClusterTables(string provider)
    {
        var options = await StorageFixture.NewOptionsAsync(provider);

        await new StorageMigrator(options).MigrateAsync();

        await using var connection = Connect(options);
        await connection.OpenAsync();
        Assert.Empty(await ExistingAsync(connection, options, HomeMadeClusterTables));
        Assert.Equal(["events", "stream_queue_checkpoints"], await ExistingAsync(connection, options, ["events", "stream_queue_checkpoints"]));
    }

    [Fact]
    public async Task MigrateAsync_PostgresAtMigration5_DropsTheHomeMadeClusterTablesOnce_AndKeepsOrleansMembership()
    {
        var options = await StorageFixture.NewOptionsAsync(StorageOptions.PostgresProvider);
        var drop = PostgresMigrations.All.Single(m => m.Name == "drop the home-made cluster tables");
        Assert.Equal(6, drop.Version);
        await using var connection = Connect(options);
        await connection.OpenAsync();
        await ApplyUpToAsync(connection, drop.Version - 1);
        await ExecuteAsync(connection, "INSERT INTO cluster_members VALUES ('s1', 'silo', '127.0.0.1:11111', 'active', 0, 0, NULL)");
        await ExecuteAsync(connection, "INSERT INTO consumer_leases VALUES ('c', 0, 's1', 0)");
        await ExecuteAsync(connection, "INSERT INTO orleans_membership_version VALUES ('cluster', 1, 1)");
        Assert.Equal(HomeMadeClusterTables, await ExistingAsync(connection, options, HomeMadeClusterTables));

        // Several silos start at once on the upgraded database: the step runs once.
        var applied = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => new StorageMigrator(options).MigrateAsync()));

        Assert.Equal([0, 0, 1], applied.Order());
        Assert.Empty(await ExistingAsync(connection, options, HomeMadeClusterTables));
        Assert.Equal(0, await new StorageMigrator(options).MigrateAsync());
        Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM orleans_membership_version"));
        Assert.Equal(1L, await ScalarAsync(connection, $"SELECT count(*) FROM schema_migrations WHERE version = {drop.Version}"));
    }

    [Fact]
    public async Task MigrateAsync_PostgresWhoseClusterTablesWereDroppedByHand_StillApplies()
    {
        var options = await StorageFixture.NewOptionsAsync(StorageOptions.PostgresProvider);
        await using var connection = Connect(options);
        await connection.OpenAsync();
        await ApplyUpToAsync(connection, 5);
        await ExecuteAsync(connection, "DROP TABLE consumer_leases; DROP TABLE cluster_members");

        Assert.Equal(1, await new StorageMigrator(options).MigrateAsync());

        Assert.Empty(await ExistingAsync(connection, options, HomeMadeClusterTables));
    }

    [Fact]
    public async Task MigrateAsync_SqliteFileInMissingDirectory_CreatesTheDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "oc-migrate-" + Guid.NewGuid().ToString("N"), "nested");
        var options = new StorageOptions { ConnectionString = $"Data Source={Path.Combine(directory, "silo.db")}" };
        try
        {
            Assert.True(await new StorageMigrator(options).MigrateAsync() > 0);

            Assert.True(File.Exists(Path.Combine(directory, "silo.db")));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(Path.GetDirectoryName(directory)!, recursive: true);
        }
    }

    /// <summary>The project's own membership and consumer leases (PostgreSQL step 3); SQLite never had them.</summary>
    private static readonly string[] HomeMadeClusterTables = ["cluster_members", "cluster_membership_version", "consumer_leases"];

    /// <summary>Applies the PostgreSQL steps up to <paramref name="version"/> by hand, as an older release left the database.</summary>
    private static async Task ApplyUpToAsync(DbConnection connection, int version)
    {
        await ExecuteAsync(connection, PostgresMigrations.CreateHistory);
        foreach (var migration in PostgresMigrations.All.Where(m => m.Version <= version))
        {
            await ExecuteAsync(connection, migration.Sql);
            await ExecuteAsync(connection, $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({migration.Version}, '{migration.Name}', 0)");
        }
    }

    /// <summary>Which of the tables exist, in the order given.</summary>
    private static async Task<List<string>> ExistingAsync(DbConnection connection, StorageOptions options, IEnumerable<string> tables)
    {
        var existing = new List<string>();
        foreach (var table in tables)
        {
            var sql = options.Provider == StorageOptions.PostgresProvider
                ? $"SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'"
                : $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'";
            if (Convert.ToInt64(await ScalarAsync(connection, sql), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                existing.Add(table);
            }
        }

        return existing;
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Fixed test SQL.
        command.CommandText = sql;
#pragma warning restore CA2100
        return await command.ExecuteScalarAsync();
    }

    private static DbConnection Connect(StorageOptions options) =>
        options.Provider == StorageOptions.PostgresProvider
            ? new NpgsqlConnection(options.ConnectionString)
            : new SqliteConnection(options.ConnectionString);

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Fixed test SQL.
        command.CommandText = sql;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }
}
