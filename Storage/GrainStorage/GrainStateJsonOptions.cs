using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OrleansConsistency.Storage.GrainStorage;

/// <summary>How <see cref="GroupCommitGrainStorage"/> serializes grain states. Grain assemblies insert their
/// source-generated contexts at the front of <see cref="JsonSerializerOptions"/>' resolver chain, for speed.</summary>
public sealed class GrainStateJsonOptions
{
    /// <summary>The serializer options; reflection stays the fallback for state types no context knows.</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        // Explicit, so that contexts inserted ahead of it keep reflection as the fallback for other state types.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };
}
