namespace OrleansConsistency.Storage;

/// <summary>Rows committed in the same transaction as a grain's state.</summary>
/// <param name="Intents">Idempotency records of the intents the write applies or refuses.</param>
/// <param name="Events">Events appended to streams by the write.</param>
public sealed record CommitRecords(IReadOnlyList<IntentRecord> Intents, IReadOnlyList<EventRecord> Events)
{
    /// <summary>No extra rows.</summary>
    public static CommitRecords None { get; } = new([], []);
}
