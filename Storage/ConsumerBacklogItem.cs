namespace OrleansConsistency.Storage;

/// <summary>A resource whose stored version is ahead of a consumer's checkpoint: work the consumer still has to do.</summary>
/// <param name="ResourceId">The resource (the grain id of its state row, which is also the checkpoint's resource id).</param>
/// <param name="Checkpoint">The consumer's checkpoint for the resource; 0 when it has none.</param>
/// <param name="Version">The resource's stored version, greater than <paramref name="Checkpoint"/>.</param>
public sealed record ConsumerBacklogItem(string ResourceId, long Checkpoint, long Version);
