using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Grains.Streams;
using OrleansConsistency.Storage;
using OrleansConsistency.TestSupport;
using static OrleansConsistency.Grains.Tests.ResourceCluster;

namespace OrleansConsistency.Grains.Tests.Streams;

/// <summary>
/// In a cluster each resource's events are committed by the silo that owns it, and its stream queue is read by one
/// silo (not necessarily that one); a follower connected through any silo (the one an SSE client happens to reach)
/// or through an Orleans client still gets every version, live, once and in order.
/// </summary>
public sealed class ClusterStreamTests
{
    private const int Resources = 12;
    private const int Versions = 5;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task FollowersOnEverySilo_GetEveryVersion_OfResourcesOwnedByAnySilo_OnceInOrder()
    {
        await using var cluster = await StartAsync(StorageOptions.PostgresProvider, silos: 2, builder => builder
            .ConfigureSilo(options =>
            {
                options.Cluster.Enabled = true;
                options.DefaultCallTimeout = TimeSpan.FromSeconds(20);
            }));

        // Resource i lives on silo i % 2 (activating it commits nothing).
        var keys = Enumerable.Range(0, Resources).Select(i => ResourceKey.Create("orders", $"s-{i}")).ToList();
        for (var i = 0; i < Resources; i++)
        {
            var grain = cluster.Silos[i % 2].GrainFactory.GetGrain<IResourceGrain>(keys[i].GrainKey);
            await cluster.Silos[i % 2].PlacedOnAsync(grain.GetSnapshot);
        }

        // Followers from version 0 on every silo and on the client, before anything is committed: nothing can come
        // from the catch-up read, so every version of a resource owned by the other silo has to arrive live.
        var recorder = new VersionRecorder();
        var followers = new List<ResourceStreamFollower>();
        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            var services = cluster.Silos[silo].Services;
            var streams = services.GetRequiredKeyedService<IStreamProvider>(ResourceStreams.ProviderName);
            var history = new EventLogResourceHistory(services.GetRequiredService<IEventLog>());
            foreach (var key in keys)
            {
                followers.Add(await Follow(streams, history, key, recorder, $"silo {silo}, {key}"));
            }
        }

        foreach (var key in keys)
        {
            followers.Add(await Follow(cluster.Client.GetStreamProvider(ResourceStreams.ProviderName), new GrainResourceHistory(cluster.Client), key, recorder, $"client, {key}"));
        }

        for (var n = 0; n < Versions; n++)
        {
            await Task.WhenAll(Enumerable.Range(0, Resources).Select(i =>
                cluster.Silos[i % 2].GrainFactory.GetGrain<IResourceGrain>(keys[i].GrainKey).Submit(Intent(IntentOperation.Increment, """{"n":1}"""))));
        }

        // Each silo owns some of the resources, and each reads some of the queues.
        var owners = (await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .Where(a => a.GrainId.Key.ToString()?.StartsWith("orders/s-", StringComparison.Ordinal) == true && a.GrainType.Contains("Resource", StringComparison.Ordinal))
            .Select(a => a.SiloAddress)
            .Distinct()
            .Count();
        Assert.Equal(2, owners);

        var subscribers = recorder.Received.Keys.ToList();
        Assert.Equal(3 * Resources, subscribers.Count);
        await recorder.WaitForAsync(subscribers, Versions, Patience);
        foreach (var subscriber in subscribers)
        {
            recorder.AssertExactly(subscriber, 1, Versions);
        }

        foreach (var follower in followers)
        {
            await follower.DisposeAsync();
        }
    }

    private static Task<ResourceStreamFollower> Follow(IStreamProvider streams, IResourceHistory history, ResourceKey key, VersionRecorder recorder, string name)
    {
        // Known before the first event, so a subscriber that gets nothing shows up as such.
        recorder.Register(name);
        return ResourceStreamFollower.StartAsync(streams, history, key, 0, transition =>
        {
            recorder.Record(name, transition.Version);
            return Task.CompletedTask;
        });
    }
}
