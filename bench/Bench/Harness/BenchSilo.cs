using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansConsistency.Runtime;
using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Bench.Harness;

/// <summary>
/// One silo built through the real hosting (<c>Host.CreateApplicationBuilder</c>, <c>AddSiloRuntime</c>,
/// <c>AddGrains</c>), so a benchmark measures what a deployed silo does, wiring included.
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

    /// <summary>References whose calls this silo serves.</summary>
    public IGrainFactory GrainFactory { get; }

    /// <summary>The silo's storage, for its group-commit statistics.</summary>
    public StorageProvider Storage { get; }

    /// <summary>Starts a silo hosting the grains of <paramref name="grainAssembly"/> on the given storage.</summary>
    public static async Task<BenchSilo> StartAsync(Assembly grainAssembly, Action<StorageOptions> configureStorage)
    {
        ArgumentNullException.ThrowIfNull(configureStorage);

        // No appsettings or environment: a benchmark's setup is what its code says, nothing else.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        // Logs go to stderr, so that stdout holds only the report.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSiloRuntime(options =>
        {
            options.Name = "bench";
            configureStorage(options.Storage);
        });
        builder.Services.AddGrains(grainAssembly);
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
