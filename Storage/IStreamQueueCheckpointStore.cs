namespace OrleansConsistency.Storage;

/// <summary>
/// The position of each queue of an Orleans persistent stream provider in the event log (table
/// <c>stream_queue_checkpoints</c>): the highest <see cref="EventRecord.Sequence"/> its receiver has delivered, so a
/// receiver that starts again (on this silo or another) reads on from there with
/// <see cref="IEventLog.ReadQueueAsync"/>.
/// </summary>
public interface IStreamQueueCheckpointStore
{
    /// <summary>The stream provider's checkpoint of a queue, or null when it has none.</summary>
    /// <param name="provider">The stream provider's name; each provider keeps its own checkpoints.</param>
    /// <param name="queue">The queue's id, as the Orleans stream queue mapper numbers it.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<long?> GetQueueCheckpointAsync(string provider, int queue, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the checkpoint of a queue forward to <paramref name="sequence"/>. A lower sequence than the stored one (a
    /// late or repeated checkpoint, e.g. of a receiver that lost the queue to another silo) changes nothing:
    /// checkpoints never move backwards. It rides along in the next group commit, like consumer checkpoints.
    /// </summary>
    /// <param name="provider">The stream provider's name.</param>
    /// <param name="queue">The queue's id.</param>
    /// <param name="sequence">The highest sequence of the queue that was delivered.</param>
    /// <param name="cancellationToken">Cancels the write while it is still queued.</param>
    Task SetQueueCheckpointAsync(string provider, int queue, long sequence, CancellationToken cancellationToken = default);
}
