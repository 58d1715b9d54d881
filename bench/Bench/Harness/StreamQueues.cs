using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Storage.Streams;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.Harness;

/// <summary>Which stream queues of the resource streams a silo of a test cluster reads now.</summary>
internal static class StreamQueues
{
    /// <summary>The silo's queues of the <c>resources</c> stream provider.</summary>
    public static EventQueues Of(ProductSilo silo) => silo.Services.GetRequiredKeyedService<EventQueues>(ResourceStreams.ProviderName);

    /// <summary>
    /// Waits until Orleans' balancer has handed every queue to a silo. Not until each silo reads one: the ring gives
    /// each queue to a silo by hash, so with 8 queues a silo of three reads none in about one start in ten.
    /// </summary>
    public static async Task WaitUntilBalancedAsync(ProductCluster cluster)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var queueCount = Of(cluster.Primary).Mapper.GetAllQueues().Count();
        while (cluster.Silos.Sum(s => Of(s).LocalQueues.Count) != queueCount)
        {
            await Task.Delay(100, limit.Token);
        }
    }
}
