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
}
