using System.Text.Json;
using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Resources;

/// <summary>A resource as its grain holds it: document, version and settled version.</summary>
/// <param name="Type">The resource type.</param>
/// <param name="Id">The resource id.</param>
/// <param name="Version">The last applied version; 0 when nothing was ever applied.</param>
/// <param name="SettledVersion">The highest version every required consumer has acknowledged.</param>
/// <param name="Exists">False before the first change and after a delete.</param>
/// <param name="Document">The JSON document, when it exists.</param>
/// <param name="UpdatedAt">When the last version was applied.</param>
[GenerateSerializer]
[Immutable]
[Alias("oc.ResourceSnapshot")]
public sealed record ResourceSnapshot(
    [property: Id(0)] string Type,
    [property: Id(1)] string Id,
    [property: Id(2)] long Version,
    [property: Id(3)] long SettledVersion,
    [property: Id(4)] bool Exists,
    [property: Id(5)] JsonElement? Document,
    [property: Id(6)] DateTimeOffset? UpdatedAt);
