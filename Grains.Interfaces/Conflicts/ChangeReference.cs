using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>Points at one applied intent: which one, which version it made, and when.</summary>
/// <param name="Key">The intent's idempotency key.</param>
/// <param name="Version">The version it produced.</param>
/// <param name="At">When it was applied.</param>
[GenerateSerializer]
[Immutable]
[Alias("oc.ChangeReference")]
public sealed record ChangeReference([property: Id(0)] string Key, [property: Id(1)] long Version, [property: Id(2)] DateTimeOffset At);
