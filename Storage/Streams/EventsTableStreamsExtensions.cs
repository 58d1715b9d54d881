using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Placement;
using Orleans.Runtime.Placement;
using Orleans.Streams;
using OrleansConsistency.Storage.Streams.Wake;

namespace OrleansConsistency.Storage.Streams;

/// <summary>Registers the events-table stream provider on a silo or a client.</summary>
public static class EventsTableStreamsExtensions
{
    /// <summary>
    /// Adds the stream provider <paramref name="name"/> whose source is the events table of the silo's storage (the
    /// <see cref="StorageProvider"/> in the services). Its queues are balanced over the silos by Orleans' default
    /// consistent-ring balancer; explicit subscriptions are kept in the grain storage named "PubSubStore".
    /// </summary>
    public static ISiloBuilder AddEventsTableStreams(this ISiloBuilder silo, string name, EventsTableStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var queues = new EventQueues(name, options.QueueCount);
        silo.Services.AddKeyedSingleton(name, queues);

        // Every silo hosts a wake grain (its class is in this assembly), whether or not it sends wakes itself.
        if (!silo.Services.Any(d => d.ServiceType == typeof(IPlacementDirector) && Equals(d.ServiceKey, typeof(SiloBoundPlacement))))
        {
            silo.Services.AddPlacementDirector<SiloBoundPlacement, SiloBoundPlacementDirector>();
        }

        if (options.WakeOtherSilos)
        {
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => ActivatorUtilities.CreateInstance<OtherSiloQueueWaker>(services, name, queues, options));
        }

        silo.AddPersistentStreams(
            name,
            (services, providerName) => new EventsTableQueueAdapterFactory(
                services.GetRequiredKeyedService<EventQueues>(providerName),
                services.GetRequiredService<StorageProvider>(),
                options,
                services.GetService<TimeProvider>() ?? TimeProvider.System,
                services.GetRequiredService<ILoggerFactory>()),
            stream =>
            {
                stream.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = options.WakeCheckInterval));
                stream.UseConsistentRingQueueBalancer();
            });
        return silo;
    }

    /// <summary>
    /// Adds the stream provider <paramref name="name"/> to a client, which subscribes to its streams (through the
    /// silos' gateways) but never reads the table: the same queue count as the silos', so it maps streams alike.
    /// </summary>
    public static IClientBuilder AddEventsTableStreams(this IClientBuilder client, string name, EventsTableStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        client.Services.AddKeyedSingleton(name, new EventQueues(name, options.QueueCount));
        client.AddPersistentStreams(
            name,
            (services, providerName) => new EventsTableQueueAdapterFactory(
                services.GetRequiredKeyedService<EventQueues>(providerName),
                storage: null,
                options,
                services.GetService<TimeProvider>() ?? TimeProvider.System,
                services.GetRequiredService<ILoggerFactory>()),
            configureStream: null);
        return client;
    }
}
