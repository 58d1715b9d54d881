using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Streams;
using static OrleansConsistency.Grains.Tests.ResourceCluster;

namespace OrleansConsistency.Grains.Tests.Streams;

/// <summary>
/// In a cluster each resource's events are committed by the silo that owns it; a subscriber on any silo (the one an
/// SSE client happens to be connected to) still gets every version, live, once and in order.
/// </summary>
public sealed class ClusterStreamTests
{
    private const int Resources = 12;
    private const int Versions = 5;

    // 5,000 ms: every intent is committed before the stream poller's first poll after the subscriptions, so only the
    // poller's start from before them (not the poll that first sees them) delivers the other silo's events.
    [Theory]
    [InlineData(200)]
    [InlineData(5000)]
    public async Task SubscribersOnEverySilo_GetEveryVersion_OfResourcesOwnedByAnySilo_InOrder(int pollMilliseconds)
    {
        await using var cluster = await StartAsync(StorageOptions.PostgresProvider, silos: 2, builder => builder
            .ConfigureSilo(options =>
            {
                options.Cluster.Enabled = true;
                options.Cluster.HeartbeatPeriod = TimeSpan.FromMilliseconds(250);
                options.Cluster.DeathTimeout = TimeSpan.FromSeconds(2);
                options.DefaultCallTimeout = TimeSpan.FromSeconds(20);
                options.Cluster.ConsumerEventPollInterval = TimeSpan.FromMilliseconds(pollMilliseconds);
            }));

        // Resource i lives on silo i % 2 (activating it commits nothing).
        for (var i = 0; i < Resources; i++)
        {
            var grain = cluster.Silos[i % 2].GrainFactory.GetGrain<IResourceGrain>(ResourceKey.Create("orders", $"s-{i}").GrainKey);
            await PlacedOn(cluster.Silos[i % 2], grain.GetSnapshot);
        }

        // Subscribed before anything is committed, from version 0: nothing can come from the catch-up read, so every
        // version of a resource owned by the other silo has to arrive live.
        var received = new ConcurrentDictionary<(int Silo, string Id), ConcurrentQueue<long>>();
        var handles = new List<EventStreamSubscriptionHandle>();
        var complete = new ConcurrentDictionary<(int Silo, string Id), byte>();
        var incomplete = cluster.Silos.Count * Resources;
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            var streams = cluster.Silos[silo].Services.GetRequiredService<IEventStreams>();
            for (var i = 0; i < Resources; i++)
            {
                var key = ResourceKey.Create("orders", $"s-{i}");
                var subscriber = (silo, key.Id);
                var versions = received.GetOrAdd(subscriber, _ => new ConcurrentQueue<long>());
                var stream = streams.GetStream<TransitionEvent>(new EventStreamId(key.StreamNamespace, key.Id));
                handles.Add(await stream.SubscribeAsync((transition, _) =>
                {
                    versions.Enqueue(transition.Version);
                    if (versions.Count >= Versions && complete.TryAdd(subscriber, 0) && Interlocked.Decrement(ref incomplete) == 0)
                    {
                        allReceived.TrySetResult();
                    }

                    return Task.CompletedTask;
                }, new EventStreamPosition(0)));
            }
        }

        for (var n = 0; n < Versions; n++)
        {
            await Task.WhenAll(Enumerable.Range(0, Resources).Select(i =>
                cluster.Silos[i % 2].GrainFactory.GetGrain<IResourceGrain>(ResourceKey.Create("orders", $"s-{i}").GrainKey)
                    .Submit(Intent(IntentOperation.Increment, """{"n":1}"""))));
        }

        // Each silo owns some of the resources.
        var owners = (await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .Where(a => a.GrainId.Key.ToString()?.StartsWith("orders/s-", StringComparison.Ordinal) == true)
            .Select(a => a.SiloAddress)
            .Distinct()
            .Count();
        Assert.Equal(2, owners);

        // At most 30 s; what is missing then is reported per subscriber below.
        await Task.WhenAny(allReceived.Task, Task.Delay(TimeSpan.FromSeconds(30)));

        foreach (var ((silo, id), versions) in received)
        {
            Assert.True(
                versions.SequenceEqual(Enumerable.Range(1, Versions).Select(v => (long)v)),
                $"silo {silo}, {id}: got [{string.Join(", ", versions)}]");
        }

        foreach (var handle in handles)
        {
            await handle.UnsubscribeAsync();
        }
    }
}
