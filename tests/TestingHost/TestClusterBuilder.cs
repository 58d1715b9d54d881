using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using OrleansConsistency.Runtime.Hosting;
using OrleansConsistency.Runtime.Storage;

namespace OrleansConsistency.TestingHost;

/// <summary>Configures a <see cref="TestCluster"/>: how many silos, which grains, which storage, and any extra services.</summary>
/// <param name="initialSilosCount">How many silos <see cref="TestCluster.DeployAsync"/> starts.</param>
public sealed class TestClusterBuilder(int initialSilosCount = 1)
{
    private readonly List<Action<SiloOptions>> _siloConfigurations = [];
    private readonly List<Action<IServiceCollection>> _serviceConfigurations = [];
    private readonly List<Assembly> _grainAssemblies = [];
    private readonly StorageFaultInjector _storageFaults = new();
    private string _storageProvider = StorageOptions.SqliteProvider;
    private string? _connectionString;

    /// <summary>Hosts the grain classes of an assembly.</summary>
    public TestClusterBuilder AddGrains(Assembly assembly)
    {
        _grainAssemblies.Add(assembly);
        return this;
    }

    /// <summary>Changes every silo's options (after the defaults and the storage choice).</summary>
    public TestClusterBuilder ConfigureSilo(Action<SiloOptions> configure)
    {
        _siloConfigurations.Add(configure);
        return this;
    }

    /// <summary>Adds or replaces services in every silo.</summary>
    public TestClusterBuilder ConfigureServices(Action<IServiceCollection> configure)
    {
        _serviceConfigurations.Add(configure);
        return this;
    }

    /// <summary>Uses the given storage provider and connection string; by default a fresh SQLite file per cluster.</summary>
    public TestClusterBuilder UseStorage(string provider, string? connectionString)
    {
        _storageProvider = provider;
        _connectionString = connectionString;
        return this;
    }

    /// <summary>Builds the cluster; call <see cref="TestCluster.DeployAsync"/> to start it.</summary>
    public TestCluster Build()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "orleansconsistency-tests", Guid.NewGuid().ToString("N"));
        var connectionString = _connectionString
            ?? (_storageProvider == StorageOptions.SqliteProvider ? $"Data Source={Path.Combine(dataDirectory, "cluster.db")}" : null);
        return new TestCluster(
            initialSilosCount,
            dataDirectory,
            _storageFaults,
            options =>
            {
                options.Storage.Provider = _storageProvider;
                options.Storage.ConnectionString = connectionString;
                foreach (var configure in _siloConfigurations)
                {
                    configure(options);
                }
            },
            services =>
            {
                // One injector for every silo: the storage is shared, so are its faults.
                services.AddSingleton(_storageFaults);
                foreach (var assembly in _grainAssemblies)
                {
                    services.AddGrains(assembly);
                }

                foreach (var configure in _serviceConfigurations)
                {
                    configure(services);
                }
            });
    }
}
