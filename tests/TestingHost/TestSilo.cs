using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansConsistency.Runtime;
using OrleansConsistency.Runtime.Hosting;

namespace OrleansConsistency.TestingHost;

/// <summary>One in-process silo of a <see cref="TestCluster"/>: a real host with the real silo wiring.</summary>
public sealed class TestSilo
{
    internal TestSilo(string name, IHost host)
    {
        Name = name;
        Host = host;
    }

    /// <summary>The silo's name.</summary>
    public string Name { get; }

    /// <summary>The silo's host.</summary>
    public IHost Host { get; }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => Host.Services;

    /// <summary>The silo's runtime.</summary>
    public SiloRuntime Runtime => Services.GetRequiredService<SiloRuntime>();

    /// <summary>References whose calls this silo serves.</summary>
    public IGrainFactory GrainFactory => Runtime.GrainFactory;

    /// <summary>True until the silo is stopped.</summary>
    public bool IsRunning { get; internal set; } = true;
}
