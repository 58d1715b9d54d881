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
