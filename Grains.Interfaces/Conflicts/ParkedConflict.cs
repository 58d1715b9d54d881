using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>An intent the manual policy parked, as a person reopening the resource needs it to decide.</summary>
/// <param name="Key">The intent's idempotency key, which its resolution address names.</param>
/// <param name="Session">The client session that sent it; null when it named none.</param>
/// <param name="ReceivedAt">When it was received.</param>
/// <param name="Conflict">The conflict it was parked with: what it wanted, what it met, and by which change.</param>
[GenerateSerializer]
[Immutable]
[Alias("oc.ParkedConflict")]
public sealed record ParkedConflict(
    [property: Id(0)] string Key,
    [property: Id(1)] string? Session,
    [property: Id(2)] DateTimeOffset ReceivedAt,
    [property: Id(3)] ConflictReport Conflict);
