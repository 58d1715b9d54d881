using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansConsistency.Grains;
using OrleansConsistency.Runtime.Hosting;

namespace OrleansConsistency.Silo.Hosting;

/// <summary>Hosts a silo in any .NET host: the silo's own <c>Program</c>, the API (co-hosted), or a test cluster.</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// Adds a silo configured from the <c>Silo</c> configuration section (appsettings.json, then environment variables
    /// such as <c>Silo__Storage__Provider</c>), hosting the product's grains; <paramref name="configure"/> runs last.
    /// </summary>
    public static IHostApplicationBuilder AddSilo(this IHostApplicationBuilder builder, Action<SiloOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SiloOptions>().Bind(builder.Configuration.GetSection(SiloOptions.SectionName));
        builder.Services.AddGrains(GrainAssembly.Assembly);

        // The runtime first: its hosted service migrates storage before the consumers start reading it.
        builder.Services.AddSiloRuntime(configure);
        builder.Services.AddResourceGrains(builder.Configuration);
        return builder;
    }
}
