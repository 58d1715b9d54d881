using Orleans.Runtime;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Storage.Streams;

namespace OrleansConsistency.Grains.Interfaces.Streams;

/// <summary>
/// The Orleans streams resources publish on: stream provider <see cref="ProviderName"/>, one stream per resource
/// (namespace <c>resource/{type}</c>, key = the resource id) carrying its <see cref="TransitionEvent"/>s in version
/// order, and one feed per type with every resource of that type.
/// </summary>
public static class ResourceStreams
{
    /// <summary>The stream provider's name, on every silo and client.</summary>
    public const string ProviderName = "resources";

    /// <summary>The stream of one resource.</summary>
    public static StreamId Of(ResourceKey resource) => StreamId.Create(resource.StreamNamespace, resource.Id);

    /// <summary>The feed of every resource of a type.</summary>
    public static StreamId TypeFeed(string type) => EventsTableStreams.NamespaceFeed(ResourceKey.StreamNamespacePrefix + type);
}
