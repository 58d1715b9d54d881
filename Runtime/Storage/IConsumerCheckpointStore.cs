namespace OrleansConsistency.Runtime.Storage;

/// <summary>
/// Each consumer's acknowledged version per resource (table <c>consumer_checkpoints</c>).
/// </summary>
public interface IConsumerCheckpointStore
{
    /// <summary>The consumer's checkpoint for a resource, or null when it has none.</summary>
    Task<long?> GetAsync(string consumer, string resourceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the checkpoint forward to <paramref name="version"/>. A lower version than the stored one (a late or
    /// repeated acknowledgement) changes nothing: checkpoints never move backwards.
    /// </summary>
    /// <returns>The checkpoint after the call: the higher of the stored and the given version.</returns>
    Task<long> SetAsync(string consumer, string resourceId, long version, CancellationToken cancellationToken = default);
}
