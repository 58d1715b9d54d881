using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Access;

/// <summary>Every key the registry knows, at one revision (the revision grows by one with each change).</summary>
/// <param name="Revision">The registry's revision; 0 before the first key.</param>
/// <param name="Keys">The keys, revoked ones included.</param>
[GenerateSerializer]
[Alias("oc.ApiKeySnapshot")]
public sealed record ApiKeySnapshot([property: Id(0)] long Revision, [property: Id(1)] IReadOnlyList<ApiKeyEntry> Keys);
