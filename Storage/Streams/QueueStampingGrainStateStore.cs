namespace OrleansConsistency.Storage.Streams;

/// <summary>
/// The grain state store the silo hands to grains: each event row is stamped with its stream queue before the commit,
/// and after the commit this silo's reader of that queue is woken, so local commits are delivered without waiting for
/// a poll. The events are already durable in the same transaction as the state; waking only says where to look.
/// </summary>
internal sealed class QueueStampingGrainStateStore(IGrainStateStore inner, EventQueues queues) : IGrainStateStore
{
    public string Name => inner.Name;

    public Task<StoredGrainState?> ReadAsync(string grainType, string grainId, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(grainType, grainId, cancellationToken);

    public async Task<string> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var events = write.Records.Events;
        if (events.Count == 0)
        {
            return await inner.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        }

        var stamped = new EventRecord[events.Count];
        for (var i = 0; i < stamped.Length; i++)
        {
            stamped[i] = events[i] with { Queue = queues.QueueOf(events[i].StreamNamespace, events[i].StreamKey) };
        }

        try
        {
            return await inner.WriteAsync(write with { Records = write.Records with { Events = stamped } }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Also after a failure: a commit whose answer was lost may still have landed, and a read that finds
            // nothing costs little.
            foreach (var @event in stamped)
            {
                queues.Wake(@event.Queue!.Value);
            }
        }
    }
}
