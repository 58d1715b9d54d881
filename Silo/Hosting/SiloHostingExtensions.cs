using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using OrleansConsistency.Grains;
using OrleansConsistency.Silo.Deadlines;
using OrleansConsistency.Silo.Telemetry;
using OrleansConsistency.Storage;
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Storage.Clustering;
using OrleansConsistency.Storage.GrainStorage;
using OrleansConsistency.Storage.Streams;

namespace OrleansConsistency.Silo.Hosting;

/// <summary>Hosts an Orleans silo with the product's grains and storage in any .NET host: the silo's own
/// <c>Program</c>, the API (co-hosted), a test cluster, or a benchmark.</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// The log category Orleans' bridge between <c>IPersistentState</c> and a storage provider logs under: the
    /// provider's own type name (10.4.2 creates the logger with <c>CreateLogger(provider.GetType())</c>). The provider
    /// logs nothing itself, so nothing else is filtered.
    /// </summary>
    private static readonly string StorageBridgeLogCategory = typeof(GroupCommitGrainStorage).FullName!;

    /// <summary>
    /// Adds an Orleans silo configured from the <c>Silo</c> configuration section (appsettings.json, then environment
    /// variables such as <c>Silo__Storage__Provider</c>), hosting the product's grains; <paramref name="configure"/>
    /// runs last. One silo on localhost clustering by default; with <c>Silo:Cluster:Enabled</c> it joins the silos
    /// whose Orleans membership table is in the PostgreSQL storage, and with <c>Silo:Cluster:ClientOnly</c> this
    /// process is an Orleans client of those silos instead of a silo.
    /// </summary>
    public static IHostApplicationBuilder AddSilo(this IHostApplicationBuilder builder, Action<SiloHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = ReadOptions(builder.Configuration, configure);
        if (options.Cluster is { Enabled: true, ClientOnly: true })
        {
            builder.UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
                client.UsePostgresClustering(options.Storage.EffectiveConnectionString);
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.DefaultCallTimeout);
                client.AddProductClient(streams: ReadStreamOptions(builder.Configuration));
                client.AddClusterTls(options.Cluster.Tls);
            });
            builder.Services.AddProductServices(builder.Configuration, configure);
            return builder;
        }

        builder.UseOrleans(silo =>
        {
            if (options.Cluster.Enabled)
            {
                silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
                silo.ConfigureEndpoints(IPAddress.Parse(options.Cluster.EndpointHost), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
                silo.UsePostgresClustering(options.Storage.EffectiveConnectionString);

                // Orleans' failure detection: Orleans' defaults unless Silo:Cluster:Membership says otherwise.
                silo.Configure<ClusterMembershipOptions>(options.Cluster.Membership.ApplyTo);
            }
            else
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            }

            silo.AddProductSilo(builder.Configuration, configure);
        });
        return builder;
    }

    /// <summary>
    /// Configures an Orleans silo for the product, clustering aside (the caller chooses it: localhost, PostgreSQL, or a
    /// test cluster's): the grain storage provider, deadline filters, JSON codecs, message and collection limits, and
    /// the product's services, and the silo's part of Orleans' dashboard (see <see cref="DashboardHostingExtensions"/>).
    /// </summary>
    public static ISiloBuilder AddProductSilo(this ISiloBuilder silo, IConfiguration configuration, Action<SiloHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var options = ReadOptions(configuration, configure);
        silo.Services.AddProductServices(configuration, configure);
        AddCodecs(silo.Services);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StorageMigrationLifecycle>();

        // Orleans logs every exception a storage provider throws at Error, with a stack trace: a stale ETag or a
        // replayed idempotency key too, which are expected answers here. The provider logs real failures itself.
        silo.Services.AddLogging(logging => logging.AddFilter(StorageBridgeLogCategory, LogLevel.Critical));

        // The configured database is the default storage, and is also registered by its provider name.
        silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, CreateGrainStorage);
        silo.Services.AddGrainStorage(options.Storage.Provider, CreateGrainStorage);

        // Transitions travel on Orleans streams whose source is the events table; explicit subscriptions (the API's
        // live updates, external subscribers) are kept durably in the same database, with Orleans' own serializer,
        // so that they outlive the silo that holds them.
        silo.AddEventsTableStreams(ResourceStreams.ProviderName, ReadStreamOptions(configuration));
        silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME, (services, _) => new GroupCommitGrainStorage(
            services.GetRequiredService<IGrainStateStore>(),
            services.GetRequiredService<IOptions<GrainStateJsonOptions>>().Value.JsonSerializerOptions,
            services.GetRequiredService<Orleans.Serialization.Serializers.IActivatorProvider>(),
            new Orleans.Storage.OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>())));
        silo.AddIncomingGrainCallFilter<DeadlineIncomingCallFilter>();
        silo.Services.TryAddSingleton(new DeadlineScope(CallsStayInProcess: !options.Cluster.Enabled));
        silo.AddOutgoingGrainCallFilter<DeadlineOutgoingCallFilter>();
        silo.AddActivityPropagation();
        silo.AddIncomingGrainCallFilter<CorrelationTagCallFilter>();
        silo.AddOutgoingGrainCallFilter<CorrelationTagCallFilter>();
        silo.Configure<SiloMessagingOptions>(o =>
        {
            o.ResponseTimeout = options.DefaultCallTimeout;
            o.MaxEnqueuedRequestsHardLimit = options.MaxMailboxLength ?? 0;
        });
        silo.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionAge = options.IdleDeactivationAge;
            o.CollectionQuantum = options.EffectiveCollectionInterval;
            o.ActivationTimeout = options.ActivationTimeout;
            o.DeactivationTimeout = options.DeactivationTimeout;
        });
        silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = options.Name);
        silo.AddProductDashboard(configuration);
        if (options.Cluster.Tls.Enabled)
        {
            // Covers both of the silo's listeners (silo port and gateway) and its outgoing connections to other silos.
            var certificate = options.Cluster.Tls.LoadCertificate();
            silo.UseTls(certificate, tls => options.Cluster.Tls.ApplyTo(tls, certificate));
        }

        return silo;
    }

    /// <summary>
    /// Encrypts a pure client's connections to the gateways with <c>Silo:Cluster:Tls</c>'s certificate and rule, when
    /// enabled; the silos must have it enabled too, or the handshake fails and the client cannot connect.
    /// </summary>
    public static IClientBuilder AddClusterTls(this IClientBuilder client, ClusterTlsSettings tls)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(tls);
        if (tls.Enabled)
        {
            var certificate = tls.LoadCertificate();
            client.UseTls(certificate, options => tls.ApplyTo(options, certificate));
        }

        return client;
    }

    /// <summary>
    /// Configures an Orleans client to call the product's grains, clustering aside: the same JSON codecs as the silos
    /// (a client refuses to start without them), the caller side of the deadline filters, and trace propagation.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="silosInThisProcess">True when the silos run in this process (an in-process test cluster): a call
    /// given up at its deadline can then be reported exactly as started or not.</param>
    /// <param name="streams">The stream settings of the silos (their queue count); the defaults when null.</param>
    public static IClientBuilder AddProductClient(this IClientBuilder client, bool silosInThisProcess = false, EventsTableStreamOptions? streams = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        AddCodecs(client.Services);
        client.AddEventsTableStreams(ResourceStreams.ProviderName, streams ?? new EventsTableStreamOptions());
        client.Services.TryAddSingleton(new DeadlineScope(silosInThisProcess));
        client.AddOutgoingGrainCallFilter<DeadlineOutgoingCallFilter>();
        client.AddActivityPropagation();
        client.AddOutgoingGrainCallFilter<CorrelationTagCallFilter>();
        return client;
    }

    /// <summary>
    /// What silos and clients must agree on to pass each other's messages: JSON codecs for <c>JsonElement</c>/<c>JsonNode</c>
    /// arguments, and Npgsql's exceptions (the storage exceptions carry them as inner exceptions; Orleans serializes only
    /// System's and Microsoft's by default, and a caller on another silo would get a codec error instead).
    /// </summary>
    private static void AddCodecs(IServiceCollection services)
    {
        services.AddSerializer(serializer => serializer.AddJsonSerializer(isSupported: _ => false));
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
    }

    private static GroupCommitGrainStorage CreateGrainStorage(IServiceProvider services, string name) =>
        new(
            services.GetRequiredService<IGrainStateStore>(),
            services.GetRequiredService<IOptions<GrainStateJsonOptions>>().Value.JsonSerializerOptions,
            services.GetRequiredService<Orleans.Serialization.Serializers.IActivatorProvider>());

    /// <summary>The stream settings, bound from <c>Silo:Streams</c> and validated (a bad value stops the start, naming it).</summary>
    public static EventsTableStreamOptions ReadStreamOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var streams = new EventsTableStreamOptions();
        configuration.GetSection(EventsTableStreamOptions.SectionName).Bind(streams);
        streams.Validate();
        return streams;
    }

    private static SiloHostOptions ReadOptions(IConfiguration configuration, Action<SiloHostOptions>? configure)
    {
        var options = new SiloHostOptions();
        var section = configuration.GetSection(SiloHostOptions.SectionName);
        ClusterMembershipSettings.RefuseUnknownKeys(section.GetSection("Cluster:Membership"));
        ClusterTlsSettings.RefuseUnknownKeys(section.GetSection("Cluster:Tls"));
        section.Bind(options);
        configure?.Invoke(options);
        options.Validate();
        return options;
    }

    /// <summary>
    /// What silos and clients both need: the silo settings, the storage (clients read the event log and the read model
    /// straight from the database), and the resource grains' services.
    /// </summary>
    private static IServiceCollection AddProductServices(this IServiceCollection services, IConfiguration configuration, Action<SiloHostOptions>? configure)
    {
        if (services.Any(d => d.ServiceType == typeof(StorageProvider)))
        {
            return services;
        }

        services.AddOptions<SiloHostOptions>().Bind(configuration.GetSection(SiloHostOptions.SectionName));
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => StorageFaultInjector.From(Options(sp).Storage.Faults));
        services.TryAddSingleton(sp => GrainStorageFactory.Create(
            Options(sp).Storage,
            sp.GetRequiredService<StorageFaultInjector>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<StorageProvider>().Health);
        services.TryAddSingleton<IGrainStateStore>(sp => new QueueStampingGrainStateStore(
            sp.GetRequiredService<StorageProvider>(),
            sp.GetRequiredKeyedService<EventQueues>(ResourceStreams.ProviderName)));
        services.TryAddSingleton<IIntentStore>(sp => sp.GetRequiredService<StorageProvider>());
        services.TryAddSingleton<IEventLog>(sp => sp.GetRequiredService<StorageProvider>());
        services.TryAddSingleton<IConsumerCheckpointStore>(sp => sp.GetRequiredService<StorageProvider>());
        services.TryAddSingleton<IConsumerFailureStore>(sp => sp.GetRequiredService<StorageProvider>());
        services.TryAddSingleton<IProjectionStore>(sp => sp.GetRequiredService<StorageProvider>());

        services.AddResourceGrains(configuration);
        return services;
    }

    private static SiloHostOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<SiloHostOptions>>().Value;
}
