using OrleansConsistency.Storage;

namespace OrleansConsistency.Storage.Cluster.Leases;

/// <summary>
/// Follows the events table by sequence, for pollers that must see other silos' commits. PostgreSQL takes a sequence
/// value before the commit, so a commit can become visible after a higher one: each read covers again what was read
/// less than <see cref="LateCommitWindow"/> ago, and returns only what it had not returned before.
/// </summary>
internal sealed class EventsTableTail(ConsumerLeaseTable table, long after, TimeProvider timeProvider)
{
    private const int PageSize = 1000;
    private static readonly TimeSpan LateCommitWindow = TimeSpan.FromSeconds(1);

    private readonly Queue<(long Timestamp, long Sequence)> _marks = new();
    private readonly HashSet<long> _returned = [];
    private long _floor = after;
    private long _highest = after;

    /// <summary>The events of namespaces starting with <paramref name="namespacePrefix"/> not returned before, in sequence order.</summary>
    public async Task<IReadOnlyList<EventRecord>> ReadNewAsync(string namespacePrefix, CancellationToken cancellationToken)
    {
        var fresh = new List<EventRecord>();
        var from = _floor;
        while (true)
        {
            var page = await table.ReadEventsAsync(namespacePrefix, from, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var record in page)
            {
                if (_returned.Add(record.Sequence))
                {
                    fresh.Add(record);
                }

                _highest = Math.Max(_highest, record.Sequence);
            }

            if (page.Count < PageSize)
            {
                break;
            }

            from = page[^1].Sequence;
        }

        // Move the floor up to what was read at least LateCommitWindow ago; forget what lies below it.
        var now = timeProvider.GetTimestamp();
        _marks.Enqueue((now, _highest));
        while (_marks.Count > 0 && timeProvider.GetElapsedTime(_marks.Peek().Timestamp, now) >= LateCommitWindow)
        {
            _floor = Math.Max(_floor, _marks.Dequeue().Sequence);
        }

        _returned.RemoveWhere(sequence => sequence <= _floor);
        return fresh;
    }
}
