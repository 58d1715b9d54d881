using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansConsistency.Grains.Checkout;
using OrleansConsistency.Grains.Consumers;
using OrleansConsistency.Grains.Consumers.ReadModel;
using OrleansConsistency.Grains.Consumers.Webhooks;
using OrleansConsistency.Grains.Dependencies;
using OrleansConsistency.Grains.Intents;
using OrleansConsistency.Grains.Interfaces.Consumers;
using OrleansConsistency.Grains.Interfaces.ReadModel;
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Grains.Serialization;
using OrleansConsistency.Grains.Settlement;
using OrleansConsistency.Grains.Streams;
using OrleansConsistency.Storage.GrainStorage;

namespace OrleansConsistency.Grains;

/// <summary>Registers the resource grains' settings and background services in a silo.</summary>
public static class ResourceServiceCollectionExtensions
{
    /// <summary>Binds <c>Resources</c> settings, stores grain state with source-generated JSON, and purges expired keys.</summary>
    public static IServiceCollection AddResourceGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ResourcesOptions>()
            .Bind(configuration.GetSection(ResourcesOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ResourcesOptions>, ResourcesOptionsValidator>());
        // Every child of "Consumers" is a consumer name; the sweep interval lives under "Resources" so it cannot be taken for one.
        services.AddOptions<ConsumersOptions>().Configure(consumers =>
        {
            configuration.GetSection(ConsumersOptions.SectionName).Bind(consumers.Consumers);
            if (configuration.GetValue<TimeSpan?>($"{ResourcesOptions.SectionName}:ConsumerSweepInterval") is { } sweep)
            {
                consumers.SweepInterval = sweep;
            }
        })
            .Validate(consumers => consumers.SweepInterval > TimeSpan.Zero, $"{ResourcesOptions.SectionName}:ConsumerSweepInterval must be positive.")
            .ValidateOnStart();
        services.AddDependencies(configuration);
        services.AddOptions<CheckoutOptions>().Bind(configuration.GetSection(CheckoutOptions.SectionName));
        services.AddSingleton<SettlementFeed>();
        services.AddSingleton<ISettlementFeed>(sp => sp.GetRequiredService<SettlementFeed>());
        services.Configure<GrainStateJsonOptions>(json => json.JsonSerializerOptions.TypeInfoResolverChain.Insert(0, GrainsJsonContext.Default));
        services.AddSingleton<IResourceReadModel, ResourceReadModel>();
        services.TryAddSingleton<IResourceHistory>(sp => new EventLogResourceHistory(sp.GetRequiredService<Storage.IEventLog>()));
        services.AddWebhookDelivery();
        services.AddKeyedSingleton<Orleans.Streams.IStreamIdMapper, ResourceStreamIdMapper>(ResourceStreamIdMapper.Name);
        services.AddSingleton<ConsumerHost>();
        services.AddSingleton<IConsumerControl>(sp => sp.GetRequiredService<ConsumerHost>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ConsumerHost>());
        services.AddSingleton<IntentPurgeService>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IntentPurgeService>());
        return services;
    }
}
