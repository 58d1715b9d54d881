using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Storage;
using OrleansConsistency.Storage.Clustering;

namespace OrleansConsistency.TestSupport;

/// <summary>
/// Configures a <see cref="ProductCluster"/>: how many silos, which storage, and any extra silo settings or services.
/// Every silo is configured by the product's own <see cref="SiloHostingExtensions.AddProductSilo"/>, so tests run the
/// real wiring; Orleans' test cluster supplies membership and an in-memory transport, unless
/// <see cref="UseTcpAndPostgresMembership"/> asks for the product's.
/// </summary>
/// <param name="initialSilosCount">How many silos <see cref="ProductCluster.DeployAsync"/> starts.</param>
public sealed class ProductClusterBuilder(short initialSilosCount = 1)
{
    private readonly List<Action<SiloHostOptions>> _siloConfigurations = [];
    private readonly List<Action<IServiceCollection>> _serviceConfigurations = [];
    private readonly List<Action<IClientBuilder>> _clientConfigurations = [];
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private string _storageProvider = StorageOptions.SqliteProvider;
    private string? _connectionString;
    private bool _tcpAndPostgresMembership;

    /// <summary>Changes every silo's options (after the defaults and the storage choice).</summary>
    public ProductClusterBuilder ConfigureSilo(Action<SiloHostOptions> configure)
    {
        _siloConfigurations.Add(configure);
        return this;
    }

    /// <summary>Adds or replaces services in every silo.</summary>
    public ProductClusterBuilder ConfigureServices(Action<IServiceCollection> configure)
    {
        _serviceConfigurations.Add(configure);
        return this;
    }

    /// <summary>Changes the cluster's client (after the product's client settings), e.g. its TLS.</summary>
    public ProductClusterBuilder ConfigureClient(Action<IClientBuilder> configure)
    {
        _clientConfigurations.Add(configure);
        return this;
    }

    /// <summary>
    /// Sets a configuration value every silo reads, e.g. <c>Silo:Streams:PollInterval</c>: the settings that
    /// <see cref="SiloHostingExtensions.AddProductSilo"/> binds from configuration rather than from its options.
    /// </summary>
    public ProductClusterBuilder ConfigureSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>
    /// Silos as separate processes run them: they talk over TCP (Orleans' socket transport, loopback ports) and keep
    /// Orleans' membership in the storage's PostgreSQL (the product's <c>UsePostgresClustering</c>, each silo over its own
    /// connection string), with Orleans' own grain directory; the cluster's client finds the gateways in the same
    /// table. Without it, the test cluster's in-memory transport, in-process membership table and grain directory are
    /// used. Needs PostgreSQL storage; sets <c>Silo:Cluster:Enabled</c>.
    /// </summary>
    public ProductClusterBuilder UseTcpAndPostgresMembership()
    {
        _tcpAndPostgresMembership = true;
        return this;
    }

    /// <summary>Uses the given storage provider and connection string; by default a fresh SQLite file per cluster.</summary>
    public ProductClusterBuilder UseStorage(string provider, string? connectionString)
    {
        _storageProvider = provider;
        _connectionString = connectionString;
        return this;
    }

    /// <summary>Points the builder at a fresh, empty database of the provider (<c>sqlite</c> or <c>postgresql</c>).</summary>
    public async Task<ProductClusterBuilder> UseFreshStorageAsync(string provider)
    {
        if (provider == StorageOptions.PostgresProvider)
        {
            var server = await PostgresServer.StartAsync().ConfigureAwait(false);
            return UseStorage(provider, await server.CreateDatabaseAsync("cluster").ConfigureAwait(false));
        }

        // The default: a SQLite file in the cluster's own directory.
        return UseStorage(provider, connectionString: null);
    }

    /// <summary>Builds the cluster; call <see cref="ProductCluster.DeployAsync"/> to start it.</summary>
    public ProductCluster Build()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "orleansconsistency-tests", Guid.NewGuid().ToString("N"));
        var connectionString = _connectionString
            ?? (_storageProvider == StorageOptions.SqliteProvider ? $"Data Source={Path.Combine(dataDirectory, "cluster.db")}" : null);
        var faults = new StorageFaultInjector();
        var cluster = new ProductCluster(dataDirectory, faults);
        var orleans = new InProcessTestClusterBuilder(initialSilosCount);
        if (_tcpAndPostgresMembership)
        {
            if (_storageProvider != StorageOptions.PostgresProvider || connectionString is null)
            {
                throw new InvalidOperationException("UseTcpAndPostgresMembership needs PostgreSQL storage: call UseFreshStorageAsync(\"postgresql\") or UseStorage first.");
            }

            TestClusterNetwork.WithoutTestClusterMembership(orleans.Options);
        }

        orleans.ConfigureSilo((siloOptions, silo) =>
        {
            // One injector for every silo: the storage is shared, so are its faults.
            silo.Services.AddSingleton(faults);
            foreach (var configure in _serviceConfigurations)
            {
                configure(silo.Services);
            }

            var perSilo = cluster.TakeSiloOverride(siloOptions.SiloName);
            if (perSilo?.PeerLinks is not null && !_tcpAndPostgresMembership)
            {
                throw new InvalidOperationException("Peer links route Orleans' TCP connections: build the cluster with UseTcpAndPostgresMembership().");
            }

            var configuration = _settings.Count == 0
                ? silo.Configuration
                : new ConfigurationBuilder().AddConfiguration(silo.Configuration).AddInMemoryCollection(_settings).Build();
            void Configure(SiloHostOptions options)
            {
                options.Name = siloOptions.SiloName;
                options.Storage.Provider = _storageProvider;
                options.Storage.ConnectionString = connectionString;
                options.Cluster.Enabled |= _tcpAndPostgresMembership;
                foreach (var configure in _siloConfigurations)
                {
                    configure(options);
                }

                perSilo?.Options?.Invoke(options);
            }

            silo.AddProductSilo(configuration, Configure);
            if (_tcpAndPostgresMembership)
            {
                // The silo's own connection string (a test may route one silo's through a proxy): membership too.
                var effective = new SiloHostOptions();
                Configure(effective);
                silo.UsePostgresClustering(effective.Storage.ConnectionString!);
                if (perSilo?.PeerLinks is { } links)
                {
                    // After the test cluster's own endpoint settings.
                    silo.Services.PostConfigure<EndpointOptions>(endpoints =>
                    {
                        endpoints.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, links.ListeningPort);
                        endpoints.SiloPort = links.AdvertisedPort;
                    });
                }
            }

            perSilo?.Silo?.Invoke(silo);
        });
        orleans.ConfigureClient(client =>
        {
            client.AddProductClient(silosInThisProcess: true);
            foreach (var configure in _clientConfigurations)
            {
                configure(client);
            }
        });
        if (_tcpAndPostgresMembership)
        {
            // The container's configuration runs when the host is built, after the test cluster registered its transport.
            orleans.ConfigureSiloHost((siloOptions, host) => host.ConfigureContainer(new DefaultServiceProviderFactory(), services =>
            {
                TestClusterNetwork.UseSockets(services);
                if (cluster.TakeSiloOverride(siloOptions.SiloName)?.PeerLinks is { } links)
                {
                    TestClusterNetwork.RouteThrough(services, links);
                }
            }));
            orleans.ConfigureClientHost(host => host.ConfigureContainer(new DefaultServiceProviderFactory(), TestClusterNetwork.UseSockets));
            orleans.ConfigureClient(client => client.UsePostgresClustering(connectionString!));
        }

        cluster.Attach(orleans.Build());
        return cluster;
    }
}
