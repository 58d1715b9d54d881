using System.Text.Json;

namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>How a parked conflict was resolved by a person.</summary>
/// <param name="Choice">keep-mine, keep-theirs or value.</param>
/// <param name="Value">The explicit merge patch, when the choice was <c>value</c>.</param>
/// <param name="Version">The version the resolution produced.</param>
/// <param name="At">When it was resolved.</param>
public sealed record ConflictResolution(ConflictChoice Choice, JsonElement? Value, long Version, DateTimeOffset At);
