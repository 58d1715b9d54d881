using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>A later intent replaced some of the values this intent wrote, under the resource's conflict policy.</summary>
/// <param name="By">The later intent.</param>
/// <param name="Paths">The fields it replaced (JSON Pointers).</param>
/// <param name="Message">A plain sentence for people.</param>
[GenerateSerializer]
[Alias("oc.Supersession")]
public sealed record Supersession([property: Id(0)] ChangeReference By, [property: Id(1)] IReadOnlyList<string> Paths, [property: Id(2)] string Message);
