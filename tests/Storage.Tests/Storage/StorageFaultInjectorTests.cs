using OrleansConsistency.Storage;
using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Storage;

public sealed class StorageFaultInjectorTests
{
    [Theory, StorageProviders]
    public async Task FailNextWrites_FailsThatManyWritesWithoutWritingThem(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        storage.FaultInjector.FailNextWrites(2);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(State("g1", null, records: Records(Intent("r", "k1")))));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(State("g2", null)));
        Assert.Equal("1", await storage.WriteAsync(State("g3", null)));

        Assert.Null(await storage.ReadAsync(TestGrainType, "g1"));
        Assert.Null(await storage.FindAsync("r", "k1"));
        Assert.Null(await storage.ReadAsync(TestGrainType, "g2"));
        Assert.Equal(0, storage.FaultInjector.PendingWriteFailures);
    }

    [Theory, StorageProviders]
    public async Task FailNextCommitsAfterDurable_CommitsButAnswersCommitOutcomeUnknown(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        storage.FaultInjector.FailNextCommitsAfterDurable(1);

        await Assert.ThrowsAsync<CommitOutcomeUnknownException>(() =>
            storage.WriteAsync(State("g1", null, """{"n":1}""", records: Records(Intent("r", "k1"), Event("g1", 1)))));

        Assert.Equal(new StoredGrainState("1", null, """{"n":1}"""), await storage.ReadAsync(TestGrainType, "g1"));
        Assert.NotNull(await storage.FindAsync("r", "k1"));
        Assert.Single(await storage.ReadStreamAsync(Namespace, "g1", 0, 10));
        Assert.Equal("2", await storage.WriteAsync(State("g1", "1")));
    }

    [Theory, StorageProviders]
    public async Task WriteLatency_HoldsTheTransactionUntilTheLatencyHasPassed(string provider)
    {
        var clock = new TimerWatchingTimeProvider(Now);
        await using var storage = await StorageFixture.CreateStorageAsync(provider, timeProvider: clock);
        storage.FaultInjector.WriteLatency = TimeSpan.FromSeconds(10);
        var delayStarted = clock.NextTimerCreated;

        var write = storage.WriteAsync(State("g1", null));
        await delayStarted;

        Assert.False(write.IsCompleted);
        Assert.Null(await storage.ReadAsync(TestGrainType, "g1"));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("1", await write);
    }

    [Theory, StorageProviders]
    public async Task Reset_RemovesEveryPendingFault(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        storage.FaultInjector.FailNextWrites(5);
        storage.FaultInjector.FailNextCommitsAfterDurable(5);
        storage.FaultInjector.WriteLatency = TimeSpan.FromHours(1);

        storage.FaultInjector.Reset();

        Assert.Equal("1", await storage.WriteAsync(State("g1", null)).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.Zero, storage.FaultInjector.WriteLatency);
        Assert.Equal(0, storage.FaultInjector.PendingCommitFailures);
    }

    [Fact]
    public void FailNextWrites_NegativeCount_Throws()
    {
        var faults = new StorageFaultInjector();

        Assert.Throws<ArgumentOutOfRangeException>(() => faults.FailNextWrites(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => faults.WriteLatency = TimeSpan.FromSeconds(-1));
    }
}
