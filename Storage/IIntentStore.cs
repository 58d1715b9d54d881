namespace OrleansConsistency.Storage;

/// <summary>
/// Reads and purges the idempotency records (<see cref="IntentRecord"/>) that grain writes commit with their state.
/// </summary>
public interface IIntentStore
{
    /// <summary>
    /// Finds the stored record of one key, or null when none is stored. A record past its expiry is still returned
    /// until the purge removes it, so a replay within that window still gets the first answer.
    /// </summary>
    Task<IntentRecord?> FindAsync(string resourceId, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes records whose expiry is at or before <paramref name="now"/>, at most <paramref name="maxRows"/> in
    /// this call, in short transactions of bounded size so the purge never holds locks for long.
    /// </summary>
    /// <returns>How many records were deleted; when it equals <paramref name="maxRows"/>, more may remain.</returns>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, int maxRows, CancellationToken cancellationToken = default);
}
