namespace OrleansConsistency.Grains.Dependencies;

/// <summary>All external dependencies, bound from the configuration section <c>Dependencies</c> (one sub-section per name).</summary>
public sealed class DependenciesOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Dependencies";

    /// <summary>The dependencies by name.</summary>
    public IDictionary<string, DependencyOptions> Dependencies { get; init; } = new Dictionary<string, DependencyOptions>(StringComparer.Ordinal);
}
