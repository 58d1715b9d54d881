using System.Collections.Concurrent;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansConsistency.Storage.Streams;

/// <summary>
/// Which stream queue each event belongs to, for one stream provider: the writer stamps rows with it, the receivers read
/// by it. Also where this silo's receivers are told about local commits, and which queues this silo reads now.
/// </summary>
public sealed class EventQueues
{
    private readonly ConcurrentDictionary<int, Action> _receivers = new();
    private Action<int>? _wakeOtherSilo;

    /// <summary>Creates the queues of a provider.</summary>
    /// <param name="providerName">The stream provider's name (the queue ids' prefix).</param>
    /// <param name="queueCount">How many queues.</param>
    public EventQueues(string providerName, int queueCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        ProviderName = providerName;
        Mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = queueCount }, providerName);
    }

    /// <summary>The stream provider's name.</summary>
    public string ProviderName { get; }

    /// <summary>Orleans' consistent-hash mapper from streams to queues, which the queue balancer also uses.</summary>
    public HashRingBasedStreamQueueMapper Mapper { get; }

    /// <summary>The queues this silo reads now (Orleans' balancer moves them as silos come and go).</summary>
    public IReadOnlyCollection<int> LocalQueues => [.. _receivers.Keys];

    /// <summary>The queue number of a stream.</summary>
    public int QueueOf(StreamId stream) => (int)Mapper.GetQueueForStream(stream).GetNumericId();

    /// <summary>The queue number of an event row's stream.</summary>
    public int QueueOf(string streamNamespace, string streamKey) => QueueOf(StreamId.Create(streamNamespace, streamKey));

    /// <summary>True when this silo reads the queue of the stream now.</summary>
    public bool IsReadHere(StreamId stream) => _receivers.ContainsKey(QueueOf(stream));

    /// <summary>
    /// Tells the receiver of a queue that rows were committed to it: at once when it runs in this silo, otherwise
    /// through the silo that reads it (when <see cref="EventsTableStreamOptions.WakeOtherSilos"/> is on).
    /// </summary>
    public void Wake(int queue)
    {
        if (!WakeLocal(queue))
        {
            _wakeOtherSilo?.Invoke(queue);
        }
    }

    /// <summary>Wakes the queue's receiver if this silo runs it; false when it does not.</summary>
    internal bool WakeLocal(int queue)
    {
        if (_receivers.TryGetValue(queue, out var wake))
        {
            wake();
            return true;
        }

        return false;
    }

    internal void WakeOtherSilosWith(Action<int> wakeOtherSilo) => _wakeOtherSilo = wakeOtherSilo;

    internal void Attach(int queue, Action wake) => _receivers[queue] = wake;

    internal void Detach(int queue, Action wake) => _receivers.TryRemove(new KeyValuePair<int, Action>(queue, wake));
}
