using System.Text.Json;
using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>How a parked conflict was resolved by a person.</summary>
/// <param name="Choice">keep-mine, keep-theirs or value.</param>
/// <param name="Value">The explicit merge patch, when the choice was <c>value</c>.</param>
/// <param name="Version">The version the resolution produced.</param>
/// <param name="At">When it was resolved.</param>
[GenerateSerializer]
[Immutable]
[Alias("oc.ConflictResolution")]
public sealed record ConflictResolution(
    [property: Id(0)] ConflictChoice Choice,
    [property: Id(1)] JsonElement? Value,
    [property: Id(2)] long Version,
    [property: Id(3)] DateTimeOffset At);
