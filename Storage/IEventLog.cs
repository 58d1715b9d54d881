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

    /// <summary>
    /// Reads the events stamped with stream queue <paramref name="queue"/> (see <see cref="EventRecord.Queue"/>) whose
    /// sequence is above <paramref name="afterSequence"/>, in sequence order, at most <paramref name="maxCount"/>, each
    /// with its <see cref="EventRecord.Sequence"/> and <see cref="EventRecord.Queue"/>. Rows without a queue (written
    /// before queues existed) belong to no queue and are never returned.
    /// </summary>
    /// <param name="queue">The stream queue's id, as the Orleans stream queue mapper numbers it.</param>
    /// <param name="afterSequence">The sequence the reader has already handled (its checkpoint); 0 from the start.</param>
    /// <param name="maxCount">The most events to return; 1 to 10 000.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <remarks>
    /// As for <see cref="ReadNamespaceAsync"/>: with PostgreSQL, concurrent transactions may make a lower sequence
    /// visible after a higher one.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is not between 1 and 10 000.</exception>
    Task<IReadOnlyList<EventRecord>> ReadQueueAsync(
        int queue,
        long afterSequence,
        int maxCount,
        CancellationToken cancellationToken = default);

    /// <summary>The highest sequence in the log, 0 when it holds no event.</summary>
    /// <remarks>
    /// With PostgreSQL, sequences are taken before commit, so transactions still running may hold lower (or, once
    /// committed, higher) sequences that this read does not see yet; it is a position to start from, not a promise that
    /// every event up to it is visible.
    /// </remarks>
    Task<long> ReadLastSequenceAsync(CancellationToken cancellationToken = default);
}
