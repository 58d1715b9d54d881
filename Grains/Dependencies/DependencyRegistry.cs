using Microsoft.Extensions.Options;
using Polly.Registry;

namespace OrleansConsistency.Grains.Dependencies;

/// <summary>
/// The silo's external dependencies, each with its own pipeline, created from configuration at start-up (a bad
/// setting stops the silo and names itself). Health checks, the admin endpoint and metrics read their state here.
/// </summary>
public sealed class DependencyRegistry : IDisposable
{
    private readonly Dictionary<string, Dependency> _dependencies = new(StringComparer.Ordinal);

    /// <summary>Creates every configured dependency.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public DependencyRegistry(IOptions<DependenciesOptions> options, TimeProvider timeProvider, ResiliencePipelineRegistry<string> pipelines)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, dependencyOptions) in options.Value.Dependencies)
        {
            _dependencies[name] = new Dependency(name, dependencyOptions, timeProvider, pipelines);
        }
    }

    /// <summary>The names of the configured dependencies.</summary>
    public IReadOnlyCollection<string> Names => _dependencies.Keys;

    /// <summary>The dependency with this name.</summary>
    /// <exception cref="KeyNotFoundException">None is configured with that name.</exception>
    public Dependency Get(string name) =>
        TryGet(name, out var dependency)
            ? dependency
            : throw new KeyNotFoundException($"No dependency named '{name}' is configured (Dependencies:{name}); known: {string.Join(", ", _dependencies.Keys)}.");

    /// <summary>The dependency with this name, if configured.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Dependency? dependency) => _dependencies.TryGetValue(name, out dependency);

    /// <summary>Every dependency's state now.</summary>
    public IReadOnlyList<DependencyState> Describe() => [.. _dependencies.Values.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => d.Describe())];

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var dependency in _dependencies.Values)
        {
            dependency.Dispose();
        }
    }
}
