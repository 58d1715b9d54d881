using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansConsistency.Grains.Intents;
using OrleansConsistency.Grains.Resources;
using OrleansConsistency.Grains.Serialization;
using OrleansConsistency.Runtime.Hosting;

namespace OrleansConsistency.Grains;

/// <summary>Registers the resource grains' settings and background services in a silo.</summary>
public static class ResourceServiceCollectionExtensions
{
    /// <summary>Binds <c>Resources</c> settings, stores grain state with source-generated JSON, and purges expired keys.</summary>
    public static IServiceCollection AddResourceGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ResourcesOptions>().Bind(configuration.GetSection(ResourcesOptions.SectionName));
        services.Configure<SiloOptions>(silo => silo.JsonSerializerOptions.TypeInfoResolverChain.Insert(0, GrainsJsonContext.Default));
        services.AddSingleton<IntentPurgeService>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IntentPurgeService>());
        return services;
    }
}
