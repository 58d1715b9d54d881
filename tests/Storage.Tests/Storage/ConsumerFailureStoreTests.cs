using OrleansConsistency.Storage;
using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Storage;

public sealed class ConsumerFailureStoreTests
{
    [Theory, StorageProviders]
    public async Task ListFailuresAsync_NoFailures_ReturnsEmpty(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);

        Assert.Empty(await storage.ListFailuresAsync("test/g1"));
        Assert.Empty(await storage.ListFailuresByConsumerAsync("read-model", null));
    }

    [Theory, StorageProviders]
    public async Task ListFailuresAsync_FailuresOfSeveralConsumers_ReturnsThoseOfTheResourceInVersionOrder(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        var webhook5 = Failure("webhook", "test/g1", 5);
        var readModel3 = Failure("read-model", "test/g1", 3);
        var webhook3 = Failure("webhook", "test/g1", 3);
        var readModel7 = Failure("read-model", "test/g1", 7);
        foreach (var failure in new[] { webhook5, readModel3, Failure("read-model", "test/g2", 1), webhook3, readModel7 })
        {
            await storage.RecordFailureAsync(failure);
        }

        var listed = await storage.ListFailuresAsync("test/g1");

        Assert.Equal([readModel3, webhook3, webhook5, readModel7], listed);
    }

    [Theory, StorageProviders]
    public async Task RecordFailureAsync_SameVersionAgain_ReplacesTheFailure(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await storage.RecordFailureAsync(Failure("webhook", "test/g1", 4, attempts: 3));

        var again = Failure("webhook", "test/g1", 4, attempts: 8) with { Reason = "HTTP 503 from the hook", FailedAt = Now.AddMinutes(5) };
        await storage.RecordFailureAsync(again);

        Assert.Equal([again], await storage.ListFailuresAsync("test/g1"));
    }

    [Theory, StorageProviders]
    public async Task RemoveFailureAsync_RemovesOnlyThatFailureAndSaysWhetherOneWasThere(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        var kept = Failure("webhook", "test/g1", 5);
        var keptOfOtherConsumer = Failure("read-model", "test/g1", 4);
        await storage.RecordFailureAsync(Failure("webhook", "test/g1", 4));
        await storage.RecordFailureAsync(kept);
        await storage.RecordFailureAsync(keptOfOtherConsumer);

        Assert.True(await storage.RemoveFailureAsync("webhook", "test/g1", 4));
        Assert.False(await storage.RemoveFailureAsync("webhook", "test/g1", 4));
        Assert.False(await storage.RemoveFailureAsync("webhook", "test/g2", 5));

        Assert.Equal([keptOfOtherConsumer, kept], await storage.ListFailuresAsync("test/g1"));
    }

    [Theory, StorageProviders]
    public async Task ListFailuresByConsumerAsync_NoResource_ReturnsTheConsumersFailuresByResourceThenVersion(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        var upperB2 = Failure("webhook", "test/B", 2);
        var lowerA9 = Failure("webhook", "test/a", 9);
        var lowerA1 = Failure("webhook", "test/a", 1);
        var lowerB1 = Failure("webhook", "test/b", 1);
        foreach (var failure in new[] { lowerB1, lowerA9, Failure("read-model", "test/a", 3), upperB2, lowerA1 })
        {
            await storage.RecordFailureAsync(failure);
        }

        var listed = await storage.ListFailuresByConsumerAsync("webhook", null);

        // Code point order: upper case before lower case, on both providers.
        Assert.Equal([upperB2, lowerA1, lowerA9, lowerB1], listed);
    }

    [Theory, StorageProviders]
    public async Task ListFailuresByConsumerAsync_WithResource_ReturnsOnlyThatResourceInVersionOrder(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        var second = Failure("webhook", "test/g1", 8);
        var first = Failure("webhook", "test/g1", 2);
        foreach (var failure in new[] { second, Failure("webhook", "test/g2", 1), Failure("read-model", "test/g1", 1), first })
        {
            await storage.RecordFailureAsync(failure);
        }

        Assert.Equal([first, second], await storage.ListFailuresByConsumerAsync("webhook", "test/g1"));
        Assert.Empty(await storage.ListFailuresByConsumerAsync("webhook", "test/g3"));
    }

    private static ConsumerFailure Failure(string consumer, string resourceId, long version, int attempts = 5) =>
        new(consumer, resourceId, version, $"{consumer} could not apply version {version}", attempts, Now.AddSeconds(version));
}
