using OrleansConsistency.Storage;
using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Storage;

public sealed class ProjectionStoreTests
{
    private const string Projection = "read-model";
    private const string Partition = "orders";

    /// <summary>
    /// Keys in Unicode code point order, the order both providers list in. It is not .NET's ordinal order for
    /// characters outside the BMP: UTF-16 puts U+1F600 (surrogates D83D DE00) before U+FFFD.
    /// </summary>
    private static readonly string[] KeysInCodePointOrder =
        [" ", "0", "A", "B", "E", "Z", "_", "a", "a b", "a%", "a_b", "ab", "b", "e", "z", "~", "ß", "é", "中文", "\uFFFD", "😀"];

    [Theory, StorageProviders]
    public async Task UpsertAsync_NoRow_WritesAndGetAsyncReturnsIt(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        var row = Row("o1", 3);

        Assert.True(await storage.UpsertAsync(row));

        Assert.Equal(row, await storage.GetAsync(Projection, Partition, "o1"));
    }

    [Theory, StorageProviders]
    public async Task UpsertAsync_WithACheckpoint_WritesTheRowAndMovesTheCheckpoint(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        var row = Row("o1", 3);

        Assert.Equal(3, await storage.UpsertAsync(row, new ConsumerCheckpoint(Projection, "orders/o1", 3)));

        Assert.Equal(row, await storage.GetAsync(Projection, Partition, "o1"));
        Assert.Equal(3, await storage.GetAsync(Projection, "orders/o1"));
    }

    [Theory, StorageProviders]
    public async Task UpsertAsync_WithACheckpoint_AReplayOfAnOlderEventMovesNeitherBackwards(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        var current = Row("o1", 5);
        await storage.UpsertAsync(current, new ConsumerCheckpoint(Projection, "orders/o1", 5));

        Assert.Equal(5, await storage.UpsertAsync(Row("o1", 3), new ConsumerCheckpoint(Projection, "orders/o1", 3)));

        Assert.Equal(current, await storage.GetAsync(Projection, Partition, "o1"));
        Assert.Equal(5, await storage.GetAsync(Projection, "orders/o1"));
    }

    [Theory, StorageProviders]
    public async Task UpsertAsync_WithACheckpoint_ConcurrentWithOtherProgressWrites_EachGetsItsOwnAnswer(string provider)
    {
        // Group commit puts these in shared transactions, where a row with its checkpoint is two statements and the
        // others one each: every caller must still get the answer of its own statements.
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        var keys = Enumerable.Range(1, 30).Select(i => $"o{i}").ToArray();

        var combined = keys.Select(key => storage.UpsertAsync(Row(key, 2), new ConsumerCheckpoint(Projection, $"orders/{key}", 2))).ToArray();
        var rows = keys.Select(key => storage.UpsertAsync(Row($"{key}-alone", 1))).ToArray();
        var checkpoints = keys.Select(key => storage.SetAsync("history", $"orders/{key}", 7)).ToArray();
        await Task.WhenAll(Task.WhenAll(combined), Task.WhenAll(rows), Task.WhenAll(checkpoints));

        Assert.All(combined, task => Assert.Equal(2, task.Result));
        Assert.All(rows, task => Assert.True(task.Result));
        Assert.All(checkpoints, task => Assert.Equal(7, task.Result));
        foreach (var key in keys)
        {
            Assert.Equal(Row(key, 2), await storage.GetAsync(Projection, Partition, key));
            Assert.Equal(2, await storage.GetAsync(Projection, $"orders/{key}"));
        }
    }

    [Theory, StorageProviders]
    public async Task GetAsync_NoRowForThatProjectionPartitionOrKey_ReturnsNull(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await storage.UpsertAsync(Row("o1", 1));

        Assert.Null(await storage.GetAsync(Projection, Partition, "o2"));
        Assert.Null(await storage.GetAsync(Projection, "carts", "o1"));
        Assert.Null(await storage.GetAsync("search", Partition, "o1"));
        Assert.Null(await storage.GetAsync(Projection, Partition, "O1"));
    }

    [Theory, StorageProviders]
    public async Task UpsertAsync_OlderOrSameVersion_IsIgnoredAndNeverMovesTheRowBackwards(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        var current = Row("o1", 5);
        await storage.UpsertAsync(current);

        Assert.False(await storage.UpsertAsync(Row("o1", 4) with { Payload = """{"older":true}""" }));
        Assert.False(await storage.UpsertAsync(current with { Payload = """{"same-version":true}""", ProjectedAt = Now.AddHours(1) }));
        Assert.Equal(current, await storage.GetAsync(Projection, Partition, "o1"));

        var newer = Row("o1", 6);
        Assert.True(await storage.UpsertAsync(newer));
        Assert.Equal(newer, await storage.GetAsync(Projection, Partition, "o1"));
    }

    [Theory, StorageProviders]
    public async Task UpsertAsync_DeletedWithNullPayload_KeepsATombstoneThatOlderWritesCannotRevive(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await storage.UpsertAsync(Row("o1", 1));
        var tombstone = Row("o1", 2) with { Deleted = true, Payload = null };

        Assert.True(await storage.UpsertAsync(tombstone));
        Assert.False(await storage.UpsertAsync(Row("o1", 1)));

        Assert.Equal(tombstone, await storage.GetAsync(Projection, Partition, "o1"));
        var recreated = Row("o1", 3);
        Assert.True(await storage.UpsertAsync(recreated));
        Assert.Equal(recreated, await storage.GetAsync(Projection, Partition, "o1"));
    }

    [Theory, StorageProviders]
    public async Task UpsertAsync_ConcurrentWritesOfOneItem_KeepTheHighestVersion(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        var versions = Enumerable.Range(1, 40).OrderBy(v => (v * 17) % 41).ToArray();

        var written = await Task.WhenAll(versions.Select(v => storage.UpsertAsync(Row("o1", v))));

        Assert.Equal(Row("o1", 40), await storage.GetAsync(Projection, Partition, "o1"));
        Assert.True(written[Array.IndexOf(versions, 40)]);
        Assert.Contains(false, written);
    }

    [Theory, StorageProviders]
    public async Task ListAsync_KeysetPaging_ListsEveryKeyOnceInCodePointOrder(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await UpsertShuffledAsync(storage, KeysInCodePointOrder);

        var (keys, pages) = await ListAllAsync(storage, pageSize: 4, includeDeleted: false);

        Assert.Equal(KeysInCodePointOrder, keys);
        Assert.Equal((KeysInCodePointOrder.Length / 4) + 1, pages);
    }

    [Fact]
    public async Task ListAsync_PostgresDatabaseWithLinguisticDefaultCollation_StillListsInCodePointOrder()
    {
        var options = new StorageOptions
        {
            Provider = StorageOptions.PostgresProvider,
            ConnectionString = await StorageFixture.NewLinguisticPostgresConnectionStringAsync(),
        };
        await using var storage = await StorageFixture.CreateStorageAsync(options);
        await UpsertShuffledAsync(storage, KeysInCodePointOrder);

        var (keys, _) = await ListAllAsync(storage, pageSize: 3, includeDeleted: false);

        Assert.Equal(KeysInCodePointOrder, keys);
    }

    [Theory, StorageProviders]
    public async Task ListAsync_IncludeDeleted_ListsTombstonesOnlyWhenAsked(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        string[] keys = ["k1", "k2", "k3", "k4", "k5", "k6"];
        foreach (var key in keys)
        {
            var deleted = key is "k2" or "k3" or "k6";
            await storage.UpsertAsync(Row(key, 1) with { Deleted = deleted, Payload = deleted ? null : Row(key, 1).Payload });
        }

        var live = await ListAllAsync(storage, pageSize: 2, includeDeleted: false);
        var all = await ListAllAsync(storage, pageSize: 2, includeDeleted: true);

        Assert.Equal(["k1", "k4", "k5"], live.Keys);
        Assert.Equal(keys, all.Keys);
        var tombstone = Assert.Single(await storage.ListAsync(Projection, Partition, "k2", 1, includeDeleted: true));
        Assert.True(tombstone.Deleted);
        Assert.Null(tombstone.Payload);
    }

    [Theory, StorageProviders]
    public async Task ListAsync_ListsOnlyTheGivenProjectionAndPartition(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await storage.UpsertAsync(Row("o1", 1));
        await storage.UpsertAsync(Row("o2", 1) with { Partition = "carts" });
        await storage.UpsertAsync(Row("o3", 1) with { Projection = "search" });

        var listed = await storage.ListAsync(Projection, Partition, afterKey: null, limit: 10, includeDeleted: true);

        Assert.Equal([Row("o1", 1)], listed);
        Assert.Empty(await storage.ListAsync(Projection, Partition, afterKey: "o1", limit: 10, includeDeleted: true));
        Assert.Empty(await storage.ListAsync(Projection, "nothing", afterKey: null, limit: 10, includeDeleted: true));
    }

    [Theory, StorageProviders]
    public async Task ListAsync_LimitNotPositive_Throws(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => storage.ListAsync(Projection, Partition, null, 0, includeDeleted: false));
    }

    private static ProjectionRow Row(string key, long version) =>
        new(Projection, Partition, key, version, Deleted: false, $$"""{"key":"{{key}}","v":{{version}}}""", Now.AddSeconds(version), Now.AddSeconds(version + 1));

    private static async Task UpsertShuffledAsync(StorageProvider storage, string[] keys)
    {
        // A fixed shuffle, so insertion order cannot explain the listing order.
        foreach (var key in keys.Select((key, i) => (key, i)).OrderBy(k => (k.i * 7919) % keys.Length).Select(k => k.key))
        {
            Assert.True(await storage.UpsertAsync(Row(key, 1)));
        }
    }

    private static async Task<(List<string> Keys, int Pages)> ListAllAsync(StorageProvider storage, int pageSize, bool includeDeleted)
    {
        var keys = new List<string>();
        string? after = null;
        for (var pages = 1; ; pages++)
        {
            var page = await storage.ListAsync(Projection, Partition, after, pageSize, includeDeleted);
            Assert.True(page.Count <= pageSize);
            keys.AddRange(page.Select(row => row.Key));
            if (page.Count < pageSize)
            {
                return (keys, pages);
            }

            after = page[^1].Key;
        }
    }
}
