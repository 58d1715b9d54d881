using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using OrleansConsistency.Grains.Interfaces.Intents;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Grains.Streams;
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Streams;
using OrleansConsistency.Storage.Streams.Wake;
using OrleansConsistency.TestSupport;
using static OrleansConsistency.Grains.Tests.ResourceCluster;

namespace OrleansConsistency.Grains.Tests.Streams;

/// <summary>
/// A commit on one silo to a queue another silo reads wakes that silo's reader, so the event is delivered at once and
/// not at the reader's next poll. The poll here is a minute, and the event must arrive within 20 s of the commit, so only the wake can deliver it.
/// </summary>
public sealed class OtherSiloWakeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ACommitToAQueueReadByAnotherSilo_IsDelivered_WithoutWaitingForItsPoll()
    {
        await using var cluster = await StartAsync(StorageOptions.PostgresProvider, silos: 2, builder => builder
            .ConfigureSetting("Silo:Streams:PollInterval", "00:01:00")
            .ConfigureSilo(options => options.Cluster.Enabled = true));
        await WaitUntilBalancedAsync(cluster);

        // The reader is a silo that reads queues (Orleans' ring may give one silo all of them), the writer the other.
        var reader = cluster.Silos.MaxBy(s => Queues(s).LocalQueues.Count)!;
        var writer = cluster.Silos.First(s => !s.Equals(reader));
        var readerQueues = Queues(reader).LocalQueues;

        // A resource that lives on the writer while its queue is read by the other silo.
        var queues = Queues(writer);
        var key = Enumerable.Range(0, 1000).Select(i => ResourceKey.Create("orders", $"w-{i}"))
            .First(k => readerQueues.Contains(queues.QueueOf(ResourceStreams.Of(k))));
        var grain = writer.GrainFactory.GetGrain<IResourceGrain>(key.GrainKey);
        await writer.PlacedOnAsync(grain.GetSnapshot);

        // The writer learns who reads which queue within a second of the balancing.
        await WaitUntilAsync(async () => (await writer.GrainFactory.GetGrain<IQueueWakeGrain>(QueueWakeGrainKey.Of(ResourceStreams.ProviderName, reader.Handle.SiloAddress)).ReadQueues()).Length > 0);
        await Task.Delay(TimeSpan.FromSeconds(2));

        var delivered = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var streams = cluster.Client.GetStreamProvider(ResourceStreams.ProviderName);
        await using var follower = await ResourceStreamFollower.StartAsync(streams, new GrainResourceHistory(cluster.Client), key, 0, transition =>
        {
            delivered.TrySetResult(transition.Version);
            return Task.CompletedTask;
        });

        await grain.Submit(Intent(IntentOperation.Increment, """{"n":1}"""));

        Assert.Equal(1, await delivered.Task.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task AWakeGrain_LivesOnTheSiloItsKeyNames_AndNowhereElse()
    {
        await using var cluster = await StartAsync(StorageOptions.PostgresProvider, silos: 2, builder => builder
            .ConfigureSilo(options => options.Cluster.Enabled = true));
        var (caller, named) = (cluster.Silos[0], cluster.Silos[1]);
        await WaitUntilBalancedAsync(cluster);

        // Asked from the other silo, the grain answers for the silo its key names: that silo's own queues.
        var queues = await caller.GrainFactory.GetGrain<IQueueWakeGrain>(QueueWakeGrainKey.Of(ResourceStreams.ProviderName, named.Handle.SiloAddress)).ReadQueues();
        Assert.Equal(Queues(named).LocalQueues.Order(), queues.Order());

        // A silo that is not in the cluster, or a key that names none, gets no activation anywhere.
        var absent = SiloAddress.New(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, FreePort.Next()), 1);
        await Assert.ThrowsAsync<OrleansException>(() => caller.GrainFactory.GetGrain<IQueueWakeGrain>(QueueWakeGrainKey.Of(ResourceStreams.ProviderName, absent)).ReadQueues());
        await Assert.ThrowsAsync<OrleansException>(() => caller.GrainFactory.GetGrain<IQueueWakeGrain>("resources/not-a-silo").ReadQueues());
    }

    private static EventQueues Queues(ProductSilo silo) => silo.Services.GetRequiredKeyedService<EventQueues>(ResourceStreams.ProviderName);

    /// <summary>Waits until Orleans' balancer gave every queue to a silo.</summary>
    private static Task WaitUntilBalancedAsync(ProductCluster cluster)
    {
        var queueCount = Queues(cluster.Primary).Mapper.GetAllQueues().Count();
        return WaitUntilAsync(() => Task.FromResult(cluster.Silos.Sum(s => Queues(s).LocalQueues.Count) == queueCount));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var limit = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            await Task.Delay(100, limit.Token);
        }
    }
}
