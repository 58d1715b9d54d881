namespace OrleansConsistency.Storage;

/// <summary>
/// Versioned key-value rows that consumers keep their read models in (table <c>projections</c>). Writes are
/// idempotent and never move an item backwards, so a consumer may re-apply events after a restart or deliver them
/// twice without harm.
/// </summary>
public interface IProjectionStore
{
    /// <summary>
    /// Writes the row when there is none for its key or the stored one has a lower version; otherwise (same or higher
    /// version stored) changes nothing.
    /// </summary>
    /// <returns>True when the row was written.</returns>
    Task<bool> UpsertAsync(ProjectionRow row, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the row as <see cref="UpsertAsync(ProjectionRow, CancellationToken)"/> does and, in the same transaction,
    /// moves the consumer's checkpoint forward as <see cref="IConsumerCheckpointStore.SetAsync"/> does. The projection
    /// and the checkpoint can then never disagree, and a consumer waits for one commit per event instead of two.
    /// </summary>
    /// <returns>The checkpoint after the call: the higher of the stored and the given version.</returns>
    Task<long> UpsertAsync(ProjectionRow row, ConsumerCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>The row of one item, deleted or not, or null when there is none.</summary>
    Task<ProjectionRow?> GetAsync(string projection, string partition, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of a partition's rows in key order (ordinal by Unicode code point, the same on every provider).
    /// </summary>
    /// <param name="projection">The projection's name.</param>
    /// <param name="partition">The partition to list.</param>
    /// <param name="afterKey">The last key of the previous page; null for the first page.</param>
    /// <param name="limit">The most rows to return; at least 1.</param>
    /// <param name="includeDeleted">Whether tombstones are listed.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>Up to <paramref name="limit"/> rows with keys after <paramref name="afterKey"/>; fewer means the end.</returns>
    Task<IReadOnlyList<ProjectionRow>> ListAsync(
        string projection, string partition, string? afterKey, int limit, bool includeDeleted, CancellationToken cancellationToken = default);
}
