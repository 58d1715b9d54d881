using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Storage;

public sealed class IntentStoreTests
{
    [Theory, StorageProviders]
    public async Task FindAsync_UnknownKey_ReturnsNull(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);

        Assert.Null(await storage.FindAsync("test/g1", "nope"));
    }

    [Theory, StorageProviders]
    public async Task PurgeExpiredAsync_DeletesOnlyExpiredRecordsAtMostMaxRowsPerCall(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        for (var i = 0; i < 5; i++)
        {
            // Expired: at or before the purge time (the last one exactly at it).
            await storage.WriteAsync(State($"old{i}", null, records: Records(Intent($"test/old{i}", "k", expiresAt: Now.AddMinutes(i - 4)))));
        }

        await storage.WriteAsync(State("new0", null, records: Records(Intent("test/new0", "k", expiresAt: Now.AddMilliseconds(1)))));
        await storage.WriteAsync(State("new1", null, records: Records(Intent("test/new1", "k", expiresAt: Now.AddHours(24)))));

        Assert.Equal(2, await storage.PurgeExpiredAsync(Now, maxRows: 2));
        Assert.Equal(3, await storage.PurgeExpiredAsync(Now, maxRows: 10));
        Assert.Equal(0, await storage.PurgeExpiredAsync(Now, maxRows: 10));

        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await storage.FindAsync($"test/old{i}", "k"));
        }

        Assert.NotNull(await storage.FindAsync("test/new0", "k"));
        Assert.NotNull(await storage.FindAsync("test/new1", "k"));
    }
}
