namespace OrleansConsistency.Storage.GroupCommit;

/// <summary>
/// Moves a stream provider's checkpoint of one queue forward to <paramref name="Sequence"/> (never back); its result
/// is the checkpoint after the write.
/// </summary>
internal sealed record QueueCheckpointAdvance(string Provider, int Queue, long Sequence) : ProgressWrite;
