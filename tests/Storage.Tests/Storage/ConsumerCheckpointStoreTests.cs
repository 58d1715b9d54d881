using OrleansConsistency.Storage;
using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Storage;

public sealed class ConsumerCheckpointStoreTests
{
    [Theory, StorageProviders]
    public async Task GetAsync_NoCheckpoint_ReturnsNull(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);

        Assert.Null(await storage.GetAsync("read-model", "test/g1"));
    }

    [Theory, StorageProviders]
    public async Task SetAsync_LowerVersion_NeverMovesTheCheckpointBackwards(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);

        Assert.Equal(5, await storage.SetAsync("read-model", "test/g1", 5));
        Assert.Equal(5, await storage.SetAsync("read-model", "test/g1", 3));
        Assert.Equal(5, await storage.GetAsync("read-model", "test/g1"));
        Assert.Equal(7, await storage.SetAsync("read-model", "test/g1", 7));
        Assert.Equal(7, await storage.GetAsync("read-model", "test/g1"));
    }

    [Theory, StorageProviders]
    public async Task SetAsync_CheckpointsOfConsumersAndResourcesAreIndependent(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);

        await storage.SetAsync("read-model", "test/g1", 9);
        await storage.SetAsync("webhook", "test/g1", 2);
        await storage.SetAsync("read-model", "test/g2", 4);

        Assert.Equal(9, await storage.GetAsync("read-model", "test/g1"));
        Assert.Equal(2, await storage.GetAsync("webhook", "test/g1"));
        Assert.Equal(4, await storage.GetAsync("read-model", "test/g2"));
    }

    [Theory, StorageProviders]
    public async Task ListBehindAsync_ReturnsExactlyTheResourcesPastThisConsumersCheckpoint(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await WriteStateAsync(storage, "test/caught-up", 4);
        await WriteStateAsync(storage, "test/behind", 6);
        await WriteStateAsync(storage, "test/no-checkpoint", 2);
        await WriteStateAsync(storage, "test/ahead", 3);
        await WriteStateAsync(storage, "test/unversioned", version: null);
        await WriteStateAsync(storage, "test/behind-other-type", 9, grainType: "other/type");
        await storage.SetAsync("read-model", "test/caught-up", 4);
        await storage.SetAsync("read-model", "test/behind", 5);
        await storage.SetAsync("read-model", "test/ahead", 7);

        // Other consumers' checkpoints count for nothing: one that caught up everywhere hides no work of this one.
        foreach (var id in new[] { "test/behind", "test/no-checkpoint", "test/caught-up", "test/ahead" })
        {
            await storage.SetAsync("webhook", id, 100);
        }

        var behind = await storage.ListBehindAsync("read-model", TestGrainType, "", 100);

        Assert.Equal([new ConsumerBacklogItem("test/behind", 5, 6), new ConsumerBacklogItem("test/no-checkpoint", 0, 2)], behind);
        Assert.Empty(await storage.ListBehindAsync("webhook", TestGrainType, "", 100));
    }

    [Theory, StorageProviders]
    public async Task ListBehindAsync_Prefix_IsMatchedLiterallyAndCaseSensitively(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        string[] ids = ["orders/1", "orders/2", "orders_x/1", "ordersX/1", "Orders/3", "orders", "order/4", "orders%/5", "carts/1", "orders/😀", "orders/\uFFFF"];
        foreach (var id in ids)
        {
            await WriteStateAsync(storage, id, 1);
        }

        Assert.Equal(["orders/1", "orders/2", "orders/\uFFFF", "orders/😀"], await BehindIdsAsync(storage, "orders/"));
        Assert.Equal(["orders_x/1"], await BehindIdsAsync(storage, "orders_"));
        Assert.Equal(["orders%/5"], await BehindIdsAsync(storage, "orders%"));
        Assert.Equal(["Orders/3"], await BehindIdsAsync(storage, "O"));
        Assert.Equal(["orders/😀"], await BehindIdsAsync(storage, "orders/😀"));
        Assert.Empty(await BehindIdsAsync(storage, "orders/3"));
        Assert.Equal(ids.Length, (await BehindIdsAsync(storage, "")).Count);
    }

    [Fact]
    public async Task ListBehindAsync_PostgresDatabaseWithLinguisticDefaultCollation_MatchesThePrefixAndOrdersByCodePoint()
    {
        var options = new StorageOptions
        {
            Provider = StorageOptions.PostgresProvider,
            ConnectionString = await StorageFixture.NewLinguisticPostgresConnectionStringAsync(),
        };
        await using var storage = await StorageFixture.CreateStorageAsync(options);
        foreach (var id in new[] { "o/b", "o/B", "o/a", "o/A", "o-x", "O/c", "o/_" })
        {
            await WriteStateAsync(storage, id, 1);
        }

        Assert.Equal(["o/A", "o/B", "o/_", "o/a", "o/b"], await BehindIdsAsync(storage, "o/"));
        Assert.Equal(["O/c", "o-x", "o/A", "o/B", "o/_", "o/a", "o/b"], await BehindIdsAsync(storage, ""));
    }

    [Theory, StorageProviders]
    public async Task ListBehindAsync_Limit_ReturnsTheFirstResourcesInOrder(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        foreach (var i in new[] { 5, 1, 4, 2, 3 })
        {
            await WriteStateAsync(storage, $"test/g{i}", 2);
        }

        await storage.SetAsync("read-model", "test/g1", 2);

        var behind = await storage.ListBehindAsync("read-model", TestGrainType, "test/", 2);

        Assert.Equal([new ConsumerBacklogItem("test/g2", 0, 2), new ConsumerBacklogItem("test/g3", 0, 2)], behind);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.ListBehindAsync("read-model", TestGrainType, "test/", 0));
    }

    private static async Task<List<string>> BehindIdsAsync(StorageProvider storage, string prefix) =>
        [.. (await storage.ListBehindAsync("read-model", TestGrainType, prefix, 100)).Select(item => item.ResourceId)];

    private static Task<string> WriteStateAsync(StorageProvider storage, string grainId, long? version, string grainType = TestWrites.TestGrainType) =>
        storage.WriteAsync(new GrainStateWrite(grainType, grainId, null, """{"n":1}""", version, CommitRecords.None));
}
