using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Silo.Hosting;
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

    public SiloRuntime Silo => Services.GetRequiredService<SiloRuntime>();

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
