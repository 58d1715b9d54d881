namespace OrleansConsistency.Storage;

/// <summary>
/// Reads the durable event log (table <c>events</c>) that grain writes append to.
/// </summary>
public interface IEventLog
{
    /// <summary>
    /// Reads one stream's events from <paramref name="fromVersionInclusive"/> in version order, at most
    /// <paramref name="maxCount"/>, each with its <see cref="EventRecord.Sequence"/>.
    /// </summary>
    Task<IReadOnlyList<EventRecord>> ReadStreamAsync(
        string streamNamespace,
        string streamKey,
        long fromVersionInclusive,
        int maxCount,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// The oldest version the log still holds for a stream, or null when it holds none; a subscriber asking for an
    /// older version must be told it is too old rather than silently skipping.
    /// </summary>
    Task<long?> GetOldestVersionAsync(string streamNamespace, string streamKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the events of all streams in a namespace whose sequence is above <paramref name="afterSequence"/>, in
    /// sequence order, at most <paramref name="maxCount"/>.
    /// </summary>
    /// <remarks>
    /// With PostgreSQL, sequences are taken before commit, so concurrent transactions may make a lower sequence
    /// visible after a higher one; a reader that needs every event should track per-stream versions.
    /// </remarks>
    Task<IReadOnlyList<EventRecord>> ReadNamespaceAsync(
        string streamNamespace,
        long afterSequence,
        int maxCount,
        CancellationToken cancellationToken = default);
}
