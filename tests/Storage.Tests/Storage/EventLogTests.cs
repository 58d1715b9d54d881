using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Storage;

public sealed class EventLogTests
{
    [Theory, StorageProviders]
    public async Task ReadStreamAsync_ReturnsEventsInVersionOrderFromTheGivenVersion(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);

        // Sequence order (the order of commit) differs from version order on purpose.
        await storage.WriteAsync(State("w1", null, records: Records(events: [Event("s", 4), Event("s", 2)])));
        await storage.WriteAsync(State("w2", null, records: Records(events: [Event("s", 5), Event("s", 1), Event("s", 3)])));

        var events = await storage.ReadStreamAsync(Namespace, "s", fromVersionInclusive: 2, maxCount: 3);

        Assert.Equal([2L, 3L, 4L], events.Select(e => e.Version));
        Assert.Equal(events.Count, events.Select(e => e.Sequence).Distinct().Count());
        Assert.All(events, e => Assert.True(e.Sequence > 0));
        Assert.Equal(Event("s", 3), events[1] with { Sequence = 0 });
    }

    [Theory, StorageProviders]
    public async Task GetOldestVersionAsync_ReturnsLowestStoredVersionOrNull(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await storage.WriteAsync(State("w1", null, records: Records(events: [Event("s", 3), Event("s", 4)])));

        Assert.Equal(3, await storage.GetOldestVersionAsync(Namespace, "s"));
        Assert.Null(await storage.GetOldestVersionAsync(Namespace, "other"));
    }

    [Theory, StorageProviders]
    public async Task ReadNamespaceAsync_ReturnsEventsOfAllStreamsOfTheNamespaceInSequenceOrder(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        await storage.WriteAsync(State("w1", null, records: Records(events: [Event("a", 1), Event("x", 1, streamNamespace: "resource/other")])));
        await storage.WriteAsync(State("w2", null, records: Records(events: Event("b", 1))));
        await storage.WriteAsync(State("w3", null, records: Records(events: Event("a", 2))));

        var all = await storage.ReadNamespaceAsync(Namespace, afterSequence: 0, maxCount: 100);

        Assert.Equal(["a/1", "b/1", "a/2"], all.Select(e => $"{e.StreamKey}/{e.Version}"));
        Assert.Equal(all.Select(e => e.Sequence).Order(), all.Select(e => e.Sequence));
        var next = await storage.ReadNamespaceAsync(Namespace, afterSequence: all[0].Sequence, maxCount: 1);
        Assert.Equal("b", Assert.Single(next).StreamKey);
    }
}
