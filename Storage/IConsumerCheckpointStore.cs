namespace OrleansConsistency.Storage;

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

    /// <summary>
    /// The resources a consumer has not caught up with: state rows of <paramref name="grainType"/> whose version is
    /// greater than the consumer's checkpoint for that grain id (0 when it has none). A consumer calls it after a
    /// restart to find the work it missed.
    /// </summary>
    /// <param name="consumer">The consumer whose checkpoints count; other consumers' are ignored.</param>
    /// <param name="grainType">The grain type of the state rows.</param>
    /// <param name="resourceIdPrefix">Only grain ids starting with this text, matched literally; empty for all.</param>
    /// <param name="limit">The most items to return; at least 1.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>Up to <paramref name="limit"/> items ordered by resource id (by Unicode code point).</returns>
    Task<IReadOnlyList<ConsumerBacklogItem>> ListBehindAsync(
        string consumer, string grainType, string resourceIdPrefix, int limit, CancellationToken cancellationToken = default);
}
