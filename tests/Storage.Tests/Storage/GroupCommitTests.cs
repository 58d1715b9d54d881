using OrleansConsistency.Storage;
using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Storage;

public sealed class GroupCommitTests
{
    [Theory, StorageProviders]
    public async Task WriteAsync_256ConcurrentWriters_ShareTransactionsAndLoseNothing(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        const int writers = 256;

        var etags = await Task.WhenAll(Enumerable.Range(0, writers).Select(i =>
            storage.WriteAsync(State($"g{i}", null, $"{i}", version: 1, Records(Intent($"test/g{i}", "k"), Event($"g{i}", 1))))));

        Assert.All(etags, etag => Assert.Equal("1", etag));
        Assert.Equal(writers, storage.Statistics.Writes);
        Assert.True(storage.Statistics.Transactions < writers, $"{storage.Statistics.Transactions} transactions for {writers} writes");
        Assert.True(storage.Statistics.MaxWritesInOneTransaction > 1);
        for (var i = 0; i < writers; i++)
        {
            Assert.Equal(new StoredGrainState("1", 1, $"{i}"), await storage.ReadAsync(TestGrainType, $"g{i}"));
        }

        Assert.Equal(writers, (await storage.ReadNamespaceAsync(Namespace, 0, 1000)).Count);
    }

    [Theory, StorageProviders]
    public async Task ConsumerProgress_JoinsTheGrainWritesTransaction_AndStillNeverMovesBackwards(string provider)
    {
        var options = await StorageFixture.NewOptionsAsync(provider);
        await using (var setup = await StorageFixture.CreateStorageAsync(options))
        {
            Assert.Equal(9, await setup.SetAsync("read-model", "test/ahead", 9));
        }

        // The batch closes when five writes are queued, so grain writes, checkpoints and the projection row share one
        // transaction.
        await using var storage = await StorageFixture.CreateStorageAsync(options.With(o =>
        {
            o.MaxBatchSize = 5;
            o.MaxBatchDelay = TimeSpan.FromSeconds(30);
        }));
        var now = DateTimeOffset.UnixEpoch.AddDays(20_000);
        var grain = storage.WriteAsync(State("g1", null, version: 1, records: Records(Intent("test/g1", "k1"), Event("g1", 1))));
        var checkpoint = storage.SetAsync("read-model", "test/g1", 1);
        var behind = storage.SetAsync("read-model", "test/ahead", 4);
        var projection = storage.UpsertAsync(new ProjectionRow("read-model", "test", "g1", 1, Deleted: false, """{"n":1}""", now, now));
        var other = storage.WriteAsync(State("g2", null));

        Assert.Equal("1", await grain);
        Assert.Equal("1", await other);
        Assert.Equal(1, await checkpoint);
        Assert.Equal(9, await behind);
        Assert.True(await projection);
        Assert.Equal(1, storage.Statistics.Transactions);
        Assert.Equal(2, storage.Statistics.Writes);
        Assert.Equal(9, await storage.GetAsync("read-model", "test/ahead"));
        Assert.Equal(1, (await storage.GetAsync("read-model", "test", "g1"))?.Version);
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_GroupCommitDisabled_UsesOneTransactionPerWrite(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider, o => o.GroupCommit = false);
        const int writers = 50;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(i => storage.WriteAsync(State($"g{i}", null))));

        Assert.Equal(writers, storage.Statistics.Writes);
        Assert.Equal(writers, storage.Statistics.Transactions);
        Assert.Equal(1, storage.Statistics.MaxWritesInOneTransaction);
        Assert.NotNull(await storage.ReadAsync(TestGrainType, $"g{writers - 1}"));
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_BatchDelay_WaitsUntilMaxBatchSizeWritesAreQueued(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider, o =>
        {
            o.MaxBatchSize = 4;
            o.MaxBatchDelay = TimeSpan.FromSeconds(30);
        });

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => storage.WriteAsync(State($"g{i}", null))));

        Assert.Equal(2, storage.Statistics.Transactions);
        Assert.Equal(4, storage.Statistics.MaxWritesInOneTransaction);
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_BatchDelayElapses_CommitsAPartialBatch(string provider)
    {
        var clock = new TimerWatchingTimeProvider(Now);
        await using var storage = await StorageFixture.CreateStorageAsync(
            provider,
            o =>
            {
                o.MaxBatchSize = 10;
                o.MaxBatchDelay = TimeSpan.FromSeconds(5);
            },
            clock);
        var windowOpened = clock.NextTimerCreated;

        var write = storage.WriteAsync(State("g1", null));
        await windowOpened;
        Assert.False(write.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal("1", await write);
        Assert.Equal(1, storage.Statistics.Transactions);
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_CanceledBeforeItsBatchStarts_IsNotWritten(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider, o =>
        {
            o.MaxBatchSize = 3;
            o.MaxBatchDelay = TimeSpan.FromSeconds(30);
        });
        using var cancellation = new CancellationTokenSource();

        var canceled = storage.WriteAsync(State("g1", null), cancellation.Token);
        await cancellation.CancelAsync();
        var others = new[] { storage.WriteAsync(State("g2", null)), storage.WriteAsync(State("g3", null)) };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled);
        await Task.WhenAll(others);
        Assert.Null(await storage.ReadAsync(TestGrainType, "g1"));
        Assert.NotNull(await storage.ReadAsync(TestGrainType, "g2"));
        Assert.Equal(2, storage.Statistics.Writes);
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_AlreadyCanceledToken_ReturnsCanceledTaskAndWritesNothing(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => storage.WriteAsync(State("g1", null), new CancellationToken(canceled: true)));

        Assert.Null(await storage.ReadAsync(TestGrainType, "g1"));
    }

    [Theory, StorageProviders]
    public async Task DisposeAsync_WithQueuedWrites_CommitsThemBeforeClosing(string provider)
    {
        var options = await StorageFixture.NewOptionsAsync(provider);
        var storage = await StorageFixture.CreateStorageAsync(options);
        var writes = Enumerable.Range(0, 20).Select(i => storage.WriteAsync(State($"g{i}", null))).ToList();

        await storage.DisposeAsync();

        Assert.All(writes, write => Assert.True(write.IsCompletedSuccessfully));
        await using var reopened = await StorageFixture.CreateStorageAsync(options);
        Assert.NotNull(await reopened.ReadAsync(TestGrainType, "g19"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => storage.WriteAsync(State("late", null)));
    }
}
