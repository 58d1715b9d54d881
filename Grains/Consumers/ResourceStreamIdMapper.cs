using Orleans.Metadata;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Grains.Consumers;

/// <summary>
/// Maps a resource stream (<c>resource/{type}</c>, <c>{id}</c>) to the subscriber grain key <c>{type}/{id}</c>, the
/// resource grain's key. Orleans' default mapper uses the stream key alone, so <c>orders/1</c> and <c>users/1</c>
/// would share one subscriber.
/// </summary>
public sealed class ResourceStreamIdMapper : IStreamIdMapper
{
    /// <summary>The name it is registered under (a keyed service) and that the implicit subscription names.</summary>
    public const string Name = "oc-resource";

    /// <inheritdoc />
    public IdSpan GetGrainKeyId(GrainBindings grainBindings, StreamId streamId)
    {
        var streamNamespace = streamId.GetNamespace() ?? string.Empty;
        return streamNamespace.StartsWith(ResourceKey.StreamNamespacePrefix, StringComparison.Ordinal)
            ? IdSpan.Create($"{streamNamespace[ResourceKey.StreamNamespacePrefix.Length..]}/{streamId.GetKeyAsString()}")
            : throw new ArgumentException($"Stream {streamId} is not a resource stream (namespace {ResourceKey.StreamNamespacePrefix}{{type}}).", nameof(streamId));
    }
}
