using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Storage;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Bench.Harness;

/// <summary>
/// One Orleans silo built through the product's real hosting (<c>Host.CreateApplicationBuilder</c> +
/// <see cref="SiloHostingExtensions.AddSilo"/>: localhost clustering, the project's grain storage as the default
/// storage, the deadline filters, the product's grains), on free loopback ports so that several can run side by side.
/// The bench's own grains are in the entry assembly, which Orleans scans for grain classes.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchSilo(IHost host)
    {
        _host = host;
        GrainFactory = host.Services.GetRequiredService<IGrainFactory>();
        Storage = host.Services.GetRequiredService<StorageProvider>();
    }

    /// <summary>References whose calls this silo serves (the silo's co-hosted client: no network hop).</summary>
    public IGrainFactory GrainFactory { get; }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The project's storage of this silo, for its group-commit statistics.</summary>
    public StorageProvider Storage { get; }

    /// <summary>Starts a silo on the given storage; <paramref name="configureSilo"/> may add more (e.g. another grain storage).</summary>
    public static async Task<BenchSilo> StartAsync(Action<StorageOptions> configureStorage, Action<ISiloBuilder>? configureSilo = null)
    {
        ArgumentNullException.ThrowIfNull(configureStorage);

        // No appsettings or environment: a benchmark's setup is what its code says, nothing else.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        // Logs go to stderr, so that stdout holds only the report.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        var siloPort = FreePort.Next();
        var gatewayPort = FreePort.Next();
        while (gatewayPort == siloPort)
        {
            gatewayPort = FreePort.Next();
        }

        builder.AddSilo(options =>
        {
            options.Name = "bench";
            options.SiloPort = siloPort;
            options.GatewayPort = gatewayPort;
            configureStorage(options.Storage);
        });
        if (configureSilo is not null)
        {
            builder.UseOrleans(configureSilo);
        }

        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new BenchSilo(host);
    }

    /// <summary>Stops the silo (deactivating its grains) and closes its storage.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
