namespace OrleansConsistency.Grains.Interfaces.Consumers;

/// <summary>What a consumer knows about the delivery it is handling.</summary>
/// <param name="Consumer">The consumer's name.</param>
/// <param name="Attempt">1 for the first try of this event, then 2, 3, …</param>
/// <param name="IdempotencyKey">A key derived from (consumer, resource, version): send it to external systems so they can dedupe too.</param>
public sealed record ConsumerContext(string Consumer, int Attempt, string IdempotencyKey);
