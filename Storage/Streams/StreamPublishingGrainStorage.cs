using OrleansConsistency.Storage;

namespace OrleansConsistency.Storage.Streams;

/// <summary>
/// The grain storage the silo hands to grains: after a write commits, its events go to local subscribers. No dual
/// write: the events are already durable in the same transaction as the state; this only announces them.
/// </summary>
internal sealed class StreamPublishingGrainStorage(IGrainStateStore inner, StreamHub hub) : IGrainStateStore
{
    public string Name => inner.Name;

    public Task<StoredGrainState?> ReadAsync(string grainType, string grainId, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(grainType, grainId, cancellationToken);

    public async Task<string> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        string etag;
        try
        {
            etag = await inner.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        }
        catch (CommitOutcomeUnknownException)
        {
            hub.Nudge(write.Records.Events);
            throw;
        }

        hub.Publish(write.Records.Events);
        return etag;
    }
}
