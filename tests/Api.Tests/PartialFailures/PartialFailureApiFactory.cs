using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Api.Tests.PartialFailures;

/// <summary>
/// The API with the read model required, and a handle on the silo's storage faults and health, for tests that make
/// storage slow or unreachable. Each test class gets its own (its faults must not reach other tests).
/// </summary>
public class PartialFailureApiFactory : ApiFactory
{
    public StorageFaultInjector Faults => Services.GetRequiredService<StorageFaultInjector>();

    public StorageHealth StorageHealth => Services.GetRequiredService<StorageHealth>();

    /// <summary>The co-hosted silo's resource activations, seen through Orleans' management grain.</summary>
    public SiloActivations Silo => new(Services.GetRequiredService<IGrainFactory>());

    public IConsumerControl Consumers => Services.GetRequiredService<IConsumerControl>();

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Consumers:read-model:Kind", "read-model");
        builder.UseSetting("Resources:Defaults:RequiredConsumers:0", "read-model");
        ConfigureLimits(builder);
    }

    /// <summary>The limits the test class is about.</summary>
    protected virtual void ConfigureLimits(IWebHostBuilder builder)
    {
    }
}

/// <summary>Counts and collects the silo's resource activations (Orleans' grain type <c>resource</c>).</summary>
public sealed class SiloActivations(IGrainFactory grains)
{
    private static readonly GrainType Resource = GrainType.Create("resource");

    private IManagementGrain Management => grains.GetGrain<IManagementGrain>(0);

    /// <summary>How many resource activations are live now.</summary>
    public async Task<int> CountAsync() => (await Management.GetActiveGrains(Resource)).Count;

    /// <summary>Deactivates every activation idle for at least <paramref name="idleFor"/>, as the collector would.</summary>
    public Task CollectIdleActivationsAsync(TimeSpan idleFor) => Management.ForceActivationCollection(idleFor);
}
