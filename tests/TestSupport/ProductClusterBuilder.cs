using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Storage;

namespace OrleansConsistency.TestSupport;

/// <summary>
/// Configures a <see cref="ProductCluster"/>: how many silos, which storage, and any extra silo settings or services.
/// Every silo is configured by the product's own <see cref="SiloHostingExtensions.AddProductSilo"/>, so tests run the
/// real wiring; Orleans' test cluster supplies membership and an in-memory transport.
/// </summary>
/// <param name="initialSilosCount">How many silos <see cref="ProductCluster.DeployAsync"/> starts.</param>
public sealed class ProductClusterBuilder(short initialSilosCount = 1)
{
    private readonly List<Action<SiloHostOptions>> _siloConfigurations = [];
    private readonly List<Action<IServiceCollection>> _serviceConfigurations = [];
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private string _storageProvider = StorageOptions.SqliteProvider;
    private string? _connectionString;

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

    /// <summary>
    /// Sets a configuration value every silo reads, e.g. <c>Silo:Streams:PollInterval</c>: the settings that
    /// <see cref="SiloHostingExtensions.AddProductSilo"/> binds from configuration rather than from its options.
    /// </summary>
    public ProductClusterBuilder ConfigureSetting(string key, string? value)
    {
        _settings[key] = value;
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
        orleans.ConfigureSilo((siloOptions, silo) =>
        {
            // One injector for every silo: the storage is shared, so are its faults.
            silo.Services.AddSingleton(faults);
            foreach (var configure in _serviceConfigurations)
            {
                configure(silo.Services);
            }

            var perSilo = cluster.TakeSiloOverride(siloOptions.SiloName);
            var configuration = _settings.Count == 0
                ? silo.Configuration
                : new ConfigurationBuilder().AddConfiguration(silo.Configuration).AddInMemoryCollection(_settings).Build();
            silo.AddProductSilo(configuration, options =>
            {
                options.Name = siloOptions.SiloName;
                options.Storage.Provider = _storageProvider;
                options.Storage.ConnectionString = connectionString;
                foreach (var configure in _siloConfigurations)
                {
                    configure(options);
                }

                perSilo?.Invoke(options);
            });
        });
        orleans.ConfigureClient(client => client.AddProductClient(silosInThisProcess: true));
        cluster.Attach(orleans.Build());
        return cluster;
    }
}
