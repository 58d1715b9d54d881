using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansConsistency.Runtime.Activation;
using OrleansConsistency.Runtime.Calls;
using OrleansConsistency.Runtime.Cluster;
using OrleansConsistency.Runtime.Cluster.Membership;
using OrleansConsistency.Runtime.Cluster.Remote;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Runtime.Storage;

namespace OrleansConsistency.Runtime.Hosting;

/// <summary>The root of one silo: its grain registry, catalog of activations, grain factory and collector.</summary>
public sealed class SiloRuntime : IAsyncDisposable
{
    private Task? _stopping;

    /// <summary>Creates the silo's runtime from its options and services.</summary>
    public SiloRuntime(IOptions<SiloOptions> options, IServiceProvider services, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        Options.Validate();
        TimeProvider = timeProvider;
        Logger = loggerFactory.CreateLogger("OrleansConsistency.Runtime");
        Registry = new GrainTypeRegistry(Options.GrainAssemblies);
        Catalog = new Catalog(this);
        IGrainCallDispatcher dispatcher = Catalog;
        if (Options.Cluster.Enabled)
        {
            Membership = services.GetRequiredService<ClusterMembership>();
            ClusterDispatcher = new ClusterCallDispatcher(
                Membership,
                Options.Cluster.ClientOnly ? null : Catalog,
                new RemoteCallCodec(new GrainMethodDirectory(Registry), Options.JsonSerializerOptions, timeProvider),
                timeProvider,
                loggerFactory.CreateLogger("OrleansConsistency.Cluster"));
            dispatcher = ClusterDispatcher;
        }

        GrainFactory = new GrainFactory(Registry, dispatcher, timeProvider, Options.DefaultCallTimeout);
        Activator = new GrainActivator(services, new GrainStateBinder(services, Options.JsonSerializerOptions));
        Collector = new ActivationCollector(this, Catalog);
    }

    /// <summary>The silo's settings.</summary>
    public SiloOptions Options { get; }

    /// <summary>Makes references to grains; calls through them are served by this silo.</summary>
    public IGrainFactory GrainFactory { get; }

    /// <summary>The silo's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>True when this process is a pure cluster client: it hosts no grains and runs no consumers.</summary>
    public bool IsClusterClient => Options.Cluster is { Enabled: true, ClientOnly: true };

    /// <summary>This silo's membership in the cluster; null unless <c>Silo:Cluster:Enabled</c>.</summary>
    public ClusterMembership? Membership { get; }

    /// <summary>How many activations are live now.</summary>
    public int ActivationCount => Catalog.Count;

    internal ILogger Logger { get; }

    internal GrainTypeRegistry Registry { get; }

    internal Catalog Catalog { get; }

    internal ClusterCallDispatcher? ClusterDispatcher { get; }

    /// <summary>True when this silo has a live activation of the grain (tests and diagnostics).</summary>
    public bool HasActivation(GrainId grainId) => Catalog.Activations.Any(a => a.GrainId == grainId);

    internal GrainActivator Activator { get; }

    internal ActivationCollector Collector { get; }

    internal JsonSerializerOptions JsonOptions => Options.JsonSerializerOptions;

    /// <summary>Deactivates idle activations now instead of waiting for the collector's next round; returns how many were asked to go.</summary>
    public int CollectIdleActivations() => Collector.CollectOnce();

    /// <summary>Deactivates every activation (calling <c>OnDeactivateAsync</c>) and stops the collector; later calls return the same task.</summary>
    public Task StopAsync()
    {
        lock (Catalog)
        {
            return _stopping ??= StopOnceAsync();
        }
    }

    /// <inheritdoc cref="StopAsync"/>
    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task StopOnceAsync()
    {
        await Collector.DisposeAsync().ConfigureAwait(false);
        await Catalog.DeactivateAllAsync(new DeactivationReason(DeactivationReasonCode.ShuttingDown, "The silo is stopping.")).ConfigureAwait(false);
        ClusterDispatcher?.Dispose();
    }
}
