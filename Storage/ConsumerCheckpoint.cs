namespace OrleansConsistency.Storage;

/// <summary>A consumer's checkpoint for one resource, to be moved forward to <paramref name="Version"/> (never back).</summary>
/// <param name="Consumer">The consumer's name.</param>
/// <param name="ResourceId">The resource's grain id, as in <see cref="IConsumerCheckpointStore"/>.</param>
/// <param name="Version">The version the consumer has handled.</param>
public sealed record ConsumerCheckpoint(string Consumer, string ResourceId, long Version);
