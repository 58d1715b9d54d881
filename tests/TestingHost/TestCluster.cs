using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansConsistency.Runtime;
using OrleansConsistency.Runtime.Hosting;
using OrleansConsistency.Runtime.Storage;
using OrleansConsistency.Silo.Hosting;

namespace OrleansConsistency.TestingHost;

/// <summary>
/// In-process silos over one shared storage, for tests: start them, stop or restart any of them, and call grains
/// through the primary silo. Each silo is a real host built with the same <c>AddSilo</c> the product uses.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly int _initialSilosCount;
    private readonly Action<SiloOptions> _configureSilo;
    private readonly Action<IServiceCollection> _configureServices;
    private readonly List<TestSilo> _silos = [];
    private int _nextSiloNumber;

    internal TestCluster(int initialSilosCount, string dataDirectory, StorageFaultInjector storageFaults, Action<SiloOptions> configureSilo, Action<IServiceCollection> configureServices)
    {
        StorageFaults = storageFaults;
        _initialSilosCount = initialSilosCount;
        DataDirectory = dataDirectory;
        _configureSilo = configureSilo;
        _configureServices = configureServices;
    }

    /// <summary>A directory private to this cluster (its SQLite file lives here); deleted on dispose.</summary>
    public string DataDirectory { get; }

    /// <summary>Faults injected into every silo's storage: failed writes, latency, commits whose answer is lost.</summary>
    public StorageFaultInjector StorageFaults { get; }

    /// <summary>The silos that are running.</summary>
    public IReadOnlyList<TestSilo> Silos => [.. _silos.Where(s => s.IsRunning)];

    /// <summary>The first running silo.</summary>
    public TestSilo Primary => Silos.Count > 0 ? Silos[0] : throw new InvalidOperationException("No silo is running.");

    /// <summary>References whose calls the primary silo serves.</summary>
    public IGrainFactory GrainFactory => Primary.GrainFactory;

    /// <summary>Starts the initial silos.</summary>
    public async Task DeployAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        for (var i = 0; i < _initialSilosCount; i++)
        {
            await StartAdditionalSiloAsync();
        }
    }

    /// <summary>Starts one more silo; <paramref name="configure"/> changes only its options (e.g. its own connection string).</summary>
    public Task<TestSilo> StartAdditionalSiloAsync(Action<SiloOptions>? configure = null) =>
        StartSiloAsync($"silo-{Interlocked.Increment(ref _nextSiloNumber)}", configure);

    /// <summary>Stops a silo gracefully: its grains are deactivated.</summary>
    public async Task StopSiloAsync(TestSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (!_silos.Contains(silo))
        {
            throw new ArgumentException($"Silo {silo.Name} does not belong to this cluster.", nameof(silo));
        }

        silo.IsRunning = false;
        await silo.Host.StopAsync();
        silo.Host.Dispose();
    }

    /// <summary>Stops a silo and starts a new one with the same name over the same storage.</summary>
    public async Task<TestSilo> RestartSiloAsync(TestSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        await StopSiloAsync(silo);
        _silos.Remove(silo);
        return await StartSiloAsync(silo.Name);
    }

    /// <summary>Stops every silo and deletes the cluster's directory.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos.Reverse())
        {
            await StopSiloAsync(silo);
        }

        _silos.Clear();
        TryDeleteDataDirectory();
    }

    private async Task<TestSilo> StartSiloAsync(string name, Action<SiloOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddSilo(options =>
        {
            options.Name = name;
            _configureSilo(options);
            configure?.Invoke(options);
        });
        _configureServices(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        var silo = new TestSilo(name, host);
        _silos.Add(silo);
        return silo;
    }

    private void TryDeleteDataDirectory()
    {
        try
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still held open by a pooled connection is left for the OS temp cleaner; it is never reused.
        }
    }
}
