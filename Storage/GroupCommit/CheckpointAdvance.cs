namespace OrleansConsistency.Storage.GroupCommit;

/// <summary>Moves a consumer's checkpoint forward; its result is the checkpoint after the write.</summary>
internal sealed record CheckpointAdvance(ConsumerCheckpoint Checkpoint) : ProgressWrite;
