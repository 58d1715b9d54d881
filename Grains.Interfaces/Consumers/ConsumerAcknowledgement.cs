using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Consumers;

/// <summary>A consumer has durably handled every version of a resource up to <paramref name="Version"/>.</summary>
/// <param name="Consumer">The consumer's name.</param>
/// <param name="Version">The highest version handled (its checkpoint).</param>
/// <param name="Attempts">How many attempts the last version took.</param>
/// <param name="At">When it was handled.</param>
[GenerateSerializer]
[Immutable]
[Alias("oc.ConsumerAcknowledgement")]
public sealed record ConsumerAcknowledgement([property: Id(0)] string Consumer, [property: Id(1)] long Version, [property: Id(2)] int Attempts, [property: Id(3)] DateTimeOffset At);
