namespace OrleansConsistency.Runtime.Tests.Storage;

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
}
