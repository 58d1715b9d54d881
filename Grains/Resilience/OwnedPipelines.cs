using Polly;
using Polly.Registry;

namespace OrleansConsistency.Grains.Resilience;

/// <summary>
/// Adds a pipeline to the silo's Polly registry for exactly one owner. A dependency's or consumer's pipeline closes
/// over its owner's breaker state, bulkhead and callbacks, so handing a second owner of the same name the first one's
/// pipeline (what <c>GetOrAddPipeline</c> would do) would quietly report one's failures as the other's: refused here.
/// </summary>
internal static class OwnedPipelines
{
    /// <exception cref="InvalidOperationException">A pipeline of this name is already in the registry.</exception>
    public static ResiliencePipeline Add(ResiliencePipelineRegistry<string> pipelines, string name, Action<ResiliencePipelineBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        return pipelines.TryAddBuilder(name, (builder, _) => configure(builder))
            ? pipelines.GetPipeline(name)
            : throw new InvalidOperationException($"The resilience pipeline '{name}' is already registered in this silo: each dependency and consumer name may have one.");
    }
}
