using Orleans.Concurrency;

namespace OrleansConsistency.Storage.Streams.Wake;

/// <summary>
/// The door to one silo's stream queue receivers, for the other silos: one activation on each silo (keyed
/// <c>{provider}/{silo address}</c>, see <see cref="QueueWakeGrainKey"/>), placed there by
/// <see cref="SiloBoundPlacementAttribute"/>. A silo that commits rows to a queue it does not read wakes the queue's
/// reader through it, so the reader delivers them now instead of at its next poll.
/// </summary>
public interface IQueueWakeGrain : IGrainWithStringKey
{
    /// <summary>Wakes this silo's receivers of <paramref name="queues"/>, if it still reads them. One-way: a lost wake only costs the wait until the next poll.</summary>
    [OneWay]
    Task Wake(int[] queues);

    /// <summary>The queues this silo reads now.</summary>
    Task<int[]> ReadQueues();
}
