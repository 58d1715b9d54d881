using Orleans.Storage;
using OrleansConsistency.Storage.Streams;
using OrleansConsistency.Storage.Tests.Storage;
using static OrleansConsistency.Storage.Tests.Storage.TestWrites;

namespace OrleansConsistency.Storage.Tests.Streams;

/// <summary>
/// The grain state store the silo hands to grains: every event of a write is stamped with its stream's queue before
/// the commit, and that queue's reader in this silo is woken after it, also when the answer was a failure.
/// </summary>
public sealed class QueueStampingGrainStateStoreTests
{
    private const string OtherNamespace = "resource/other";

    [Theory, StorageProviders]
    public async Task WriteAsync_StampsEachEventWithItsStreamsQueue_AndWakesThoseQueues(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        var (queues, woken) = WatchedQueues();
        var store = new QueueStampingGrainStateStore(storage, queues);
        var events = new[] { Event("a", 1), Event("b", 1), Event("c", 1), Event("x", 1, OtherNamespace) };

        Assert.Equal("1", await store.WriteAsync(State("g1", null, records: Records(events: events))));

        var expected = events.Select(e => queues.QueueOf(e.StreamNamespace, e.StreamKey)).ToList();
        var stored = new List<EventRecord>();
        foreach (var @event in events)
        {
            stored.Add(Assert.Single(await storage.ReadStreamAsync(@event.StreamNamespace, @event.StreamKey, 1, 10)));
        }

        Assert.Equal(expected.Cast<int?>(), stored.Select(e => e.Queue));
        Assert.Equal(expected.Order(), woken.Order());
        foreach (var queue in expected.Distinct())
        {
            var inQueue = await storage.ReadQueueAsync(queue, 0, 10);
            Assert.Equal(stored.Where(e => e.Queue == queue).Select(e => e.Sequence), inQueue.Select(e => e.Sequence));
        }

        // A write without events wakes nothing; reads pass through.
        woken.Clear();
        Assert.Equal("2", await store.WriteAsync(State("g1", "1", """{"n":2}""")));
        Assert.Empty(woken);
        Assert.Equal(await storage.ReadAsync(TestGrainType, "g1"), await store.ReadAsync(TestGrainType, "g1"));
        Assert.Equal(storage.Name, store.Name);
    }

    [Theory, StorageProviders]
    public async Task WriteAsync_ThatFails_StoresNothing_AndStillWakesTheQueues(string provider)
    {
        await using var storage = await StorageFixture.CreateStorageAsync(provider);
        var (queues, woken) = WatchedQueues();
        var store = new QueueStampingGrainStateStore(storage, queues);
        await store.WriteAsync(State("g1", null));

        // A stale write: nothing of it lands. The wake-up is sent anyway, because a commit whose answer was lost may
        // have landed, and a read that finds nothing costs little.
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.WriteAsync(State("g1", "stale", records: Records(events: Event("a", 1)))));

        Assert.Equal([queues.QueueOf(Namespace, "a")], woken);
        Assert.Empty(await storage.ReadStreamAsync(Namespace, "a", 1, 10));
    }

    /// <summary>The provider's queues, each with a stand-in reader that records that it was woken.</summary>
    private static (EventQueues Queues, List<int> Woken) WatchedQueues()
    {
        var queues = new EventQueues(ReceiverHarness.ProviderName, 8);
        var woken = new List<int>();
        for (var queue = 0; queue < 8; queue++)
        {
            var number = queue;
            queues.Attach(number, () =>
            {
                lock (woken)
                {
                    woken.Add(number);
                }
            });
        }

        return (queues, woken);
    }
}
