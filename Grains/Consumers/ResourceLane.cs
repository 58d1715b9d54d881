using System.Collections.Concurrent;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Grains.Consumers;

/// <summary>
/// One consumer's work on one resource: the events offered live, the consumer's checkpoint, and the highest version
/// known to exist. The resource's subscriber grain drains a lane once at a time, which is what keeps version order.
/// </summary>
internal sealed class ResourceLane(ResourceKey resource)
{
    /// <summary>Live events held per lane at most; past it only the head is raised and the log supplies the rest, so a stalled consumer costs bounded memory.</summary>
    private const int MaxOffered = 1024;

    private readonly ConcurrentQueue<EventRecord> _offered = new();
    private int _offeredCount;
    private readonly SortedDictionary<long, EventRecord> _buffered = [];
    private long _knownHead;
    private int _checkLog = 1;
    private long _pendingSinceTicks;

    public ResourceKey Resource => resource;

    /// <summary>The last version handled; -1 until loaded from the checkpoint store.</summary>
    public long Checkpoint { get; set; } = -1;

    public long KnownHead => Interlocked.Read(ref _knownHead);

    /// <summary>True while there may be something to do.</summary>
    public bool HasWork => !_offered.IsEmpty || Volatile.Read(ref _checkLog) == 1 || (Checkpoint >= 0 ? KnownHead > Checkpoint : KnownHead > 0);

    public void Offer(EventRecord committed)
    {
        if (Interlocked.Increment(ref _offeredCount) <= MaxOffered)
        {
            _offered.Enqueue(committed);
        }
        else
        {
            Interlocked.Decrement(ref _offeredCount);
        }

        RaiseHead(committed.Version);
        MarkPending(committed.CreatedAt);
    }

    /// <summary>Since when the oldest version not yet handled has waited (for the lag metric); null when caught up.</summary>
    public DateTimeOffset? PendingSince =>
        Interlocked.Read(ref _pendingSinceTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Notes that work waits since <paramref name="at"/>, unless older work already waits.</summary>
    public void MarkPending(DateTimeOffset at) => Interlocked.CompareExchange(ref _pendingSinceTicks, at.UtcTicks, 0);

    /// <summary>After a version was handled: the next one waits since it was committed (when known), or nothing waits.</summary>
    public void Handled(DateTimeOffset now)
    {
        if (KnownHead <= Checkpoint)
        {
            Interlocked.Exchange(ref _pendingSinceTicks, 0);
        }
        else
        {
            var next = _buffered.TryGetValue(Checkpoint + 1, out var record) ? record.CreatedAt : now;
            Interlocked.Exchange(ref _pendingSinceTicks, next.UtcTicks);
        }
    }

    public void RaiseHead(long version)
    {
        var head = KnownHead;
        while (version > head && Interlocked.CompareExchange(ref _knownHead, version, head) != head)
        {
            head = KnownHead;
        }
    }

    /// <summary>Asks the next drain to read the log after the checkpoint even when no newer version is known: on activation, or when told to catch up.</summary>
    public void RequestLogCheck() => Volatile.Write(ref _checkLog, 1);

    /// <summary>True once after <see cref="RequestLogCheck"/> (and for a new lane).</summary>
    public bool TakeLogCheck() => Interlocked.Exchange(ref _checkLog, 0) == 1;

    /// <summary>The event for the next version, from what was offered or read from the log; null when it must be read first.</summary>
    public EventRecord? TakeNext()
    {
        while (_offered.TryDequeue(out var offered))
        {
            Interlocked.Decrement(ref _offeredCount);
            Buffer(offered);
        }

        var next = Checkpoint + 1;
        foreach (var stale in _buffered.Keys.Where(v => v < next).ToList())
        {
            _buffered.Remove(stale);
        }

        return _buffered.Remove(next, out var record) ? record : null;
    }

    public void Buffer(EventRecord record)
    {
        if (record.Version > Checkpoint)
        {
            _buffered[record.Version] = record;
            RaiseHead(record.Version);
            MarkPending(record.CreatedAt);
        }
    }
}
