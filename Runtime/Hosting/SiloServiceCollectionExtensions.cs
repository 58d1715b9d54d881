using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansConsistency.Runtime.Cluster;
using OrleansConsistency.Runtime.Cluster.Leases;
using OrleansConsistency.Runtime.Cluster.Membership;
using OrleansConsistency.Runtime.Cluster.Streams;
using OrleansConsistency.Runtime.Storage;
using OrleansConsistency.Runtime.Streams;

namespace OrleansConsistency.Runtime.Hosting;

/// <summary>Registers a silo's runtime in a service collection.</summary>
public static class SiloServiceCollectionExtensions
{
    /// <summary>Adds the silo runtime, its storage and its hosted service.</summary>
    public static IServiceCollection AddSiloRuntime(this IServiceCollection services, Action<SiloOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SiloRuntime>();
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<SiloRuntime>().GrainFactory);
        services.TryAddSingleton(sp => StorageFaultInjector.From(sp.GetRequiredService<IOptions<SiloOptions>>().Value.Storage.Faults));
        services.TryAddSingleton(sp => GrainStorageFactory.Create(
            sp.GetRequiredService<IOptions<SiloOptions>>().Value.Storage,
            sp.GetRequiredService<StorageFaultInjector>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageProvider>().Health);
        services.TryAddSingleton<StreamHub>();
        services.TryAddSingleton<IGrainStorage>(sp => new StreamPublishingGrainStorage(sp.GetRequiredService<StorageProvider>(), sp.GetRequiredService<StreamHub>()));
        services.TryAddSingleton<IStreamProvider>(sp => new EventLogStreamProvider(
            sp.GetRequiredService<IEventLog>(),
            sp.GetRequiredService<StreamHub>(),
            sp.GetRequiredService<IOptions<SiloOptions>>().Value.JsonSerializerOptions,
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<IIntentStore>(sp => sp.GetRequiredService<StorageProvider>());
        services.TryAddSingleton<IEventLog>(sp => sp.GetRequiredService<StorageProvider>());
        services.TryAddSingleton<IConsumerCheckpointStore>(sp => sp.GetRequiredService<StorageProvider>());
        services.TryAddSingleton<IConsumerFailureStore>(sp => sp.GetRequiredService<StorageProvider>());
        services.TryAddSingleton<IProjectionStore>(sp => sp.GetRequiredService<StorageProvider>());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SiloOptions>>().Value;
            return new ClusterMembership(
                options.Cluster,
                options.Storage.EffectiveConnectionString,
                options.Name,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansConsistency.Cluster.Membership"));
        });
        services.AddSingleton<ISiloStartupTask, StorageMigrationStartupTask>();
        services.AddHostedService<SiloHostedService>();

        // After the runtime's service: it joins once the schema exists, and stops (leaves) before grains are deactivated.
        services.AddHostedService<ClusterHostedService>();

        // After joining (its rounds need the silo id), before the consumers: they stop first, then it releases the leases.
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SiloOptions>>().Value;
            return new ConsumerLeases(
                options,
                options.Cluster.Enabled ? sp.GetRequiredService<ClusterMembership>() : null,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansConsistency.Cluster.ConsumerLeases"));
        });
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ConsumerLeases>());

        // In a cluster (pure clients included), this process's stream subscribers also hear other silos' commits.
        services.TryAddSingleton(sp => new ClusterStreamPoller(
            sp.GetRequiredService<IOptions<SiloOptions>>().Value,
            sp.GetRequiredService<StreamHub>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansConsistency.Cluster.Streams")));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ClusterStreamPoller>());
        return services;
    }

    /// <summary>Adds an assembly whose grain classes this silo hosts.</summary>
    public static IServiceCollection AddGrains(this IServiceCollection services, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return services.Configure<SiloOptions>(options =>
        {
            if (!options.GrainAssemblies.Contains(assembly))
            {
                options.GrainAssemblies.Add(assembly);
            }
        });
    }
}
