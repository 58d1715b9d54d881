namespace OrleansConsistency.Storage.GroupCommit;

/// <summary>
/// Writes a projection row unless a newer one is stored; its result is 1 when written, else 0. With
/// <paramref name="Checkpoint"/>, the consumer's checkpoint moves in the same transaction, and the result is the
/// checkpoint after the write (as for <see cref="CheckpointAdvance"/>).
/// </summary>
internal sealed record ProjectionUpsert(ProjectionRow Row, ConsumerCheckpoint? Checkpoint = null) : ProgressWrite;
