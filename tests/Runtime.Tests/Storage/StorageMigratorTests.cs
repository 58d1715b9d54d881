using Microsoft.Data.Sqlite;
using OrleansConsistency.Runtime.Storage;
using OrleansConsistency.Runtime.Storage.Migrations;
using static OrleansConsistency.Runtime.Tests.Storage.TestWrites;

namespace OrleansConsistency.Runtime.Tests.Storage;

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
}
