using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Grains.Interfaces.Consumers;

namespace OrleansConsistency.Api.Tests.Settlement;

/// <summary>
/// The API with the read-model consumer configured and required explicitly (not relying on appsettings.json), and a
/// short read-your-writes wait so that tests of the fallback stay quick.
/// </summary>
public sealed class SettlementApiFactory : ApiFactory
{
    public IConsumerControl Consumers => Services.GetRequiredService<IConsumerControl>();

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Consumers:read-model:Kind", "read-model");
        builder.UseSetting("Resources:Defaults:RequiredConsumers:0", "read-model");
        builder.UseSetting("Api:ReadYourWritesWait", "00:00:00.300");
        builder.UseSetting("Api:EventsHeartbeat", "00:00:00.500");
    }
}

[CollectionDefinition(Name)]
public sealed class SettlementApiCollection : ICollectionFixture<SettlementApiFactory>
{
    public const string Name = "api-settlement";
}
