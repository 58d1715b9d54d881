using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly;

namespace OrleansConsistency.Grains.Dependencies;

/// <summary>Registers the silo's external dependencies, their Polly pipelines and the client they are called with.</summary>
public static class DependencyServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Dependencies</c>, adds the <see cref="DependencyRegistry"/>, and Polly's pipeline registry (it builds
    /// each dependency's pipeline with the DI <see cref="TimeProvider"/> and Polly's telemetry: logs of retries,
    /// breaker transitions and refusals, and the <c>Polly</c> meter's metrics, tagged <c>dependency:{name}</c>).
    /// </summary>
    public static IServiceCollection AddDependencies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DependenciesOptions>().Configure(dependencies => configuration.GetSection(DependenciesOptions.SectionName).Bind(dependencies.Dependencies));
        services.AddResiliencePipelineRegistry<string>();
        services.AddSingleton<DependencyRegistry>();

        // Each attempt is bounded by the dependency's AttemptTimeout; a client-wide limit would only cut it short.
        services.AddHttpClient(DependencyHttp.HttpClientName).ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }
}
