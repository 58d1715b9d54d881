using OrleansConsistency.Grains.Interfaces.Consumers;

namespace OrleansConsistency.Grains.Settlement;

/// <summary>
/// Derives a resource's settled version from its required consumers' acknowledgements, remembers when each version
/// settled, and wakes waiters whenever anything that a status shows has changed.
/// </summary>
internal sealed class SettlementTracker
{
    private const int RecentSettlements = 256;

    private readonly SortedList<long, DateTimeOffset> _settledAt = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SettlementTracker(IEnumerable<ConsumerLane> lanes)
    {
        Lanes = [.. lanes];
    }

    public IReadOnlyList<ConsumerLane> Lanes { get; }

    /// <summary>Completes at the next change; wait on it, then read again.</summary>
    public Task Changed => _changed.Task;

    public ConsumerLane? Lane(string consumer) => Lanes.FirstOrDefault(l => l.Name == consumer);

    /// <summary>The highest version every required consumer has; with none, every applied version is settled at once.</summary>
    public long SettledVersion(long currentVersion) =>
        Lanes.Count == 0 ? currentVersion : Math.Min(currentVersion, Lanes.Min(l => l.Acknowledged));

    public DateTimeOffset? SettledAt(long version)
    {
        foreach (var (settled, at) in _settledAt)
        {
            if (settled >= version)
            {
                return at;
            }
        }

        return null;
    }

    /// <summary>Records that versions up to the settled version settled now (once); true when it advanced.</summary>
    public bool RecordSettlement(long previouslySettled, long currentVersion, DateTimeOffset now)
    {
        var settled = SettledVersion(currentVersion);
        if (settled <= previouslySettled)
        {
            return false;
        }

        _settledAt[settled] = now;
        while (_settledAt.Count > RecentSettlements)
        {
            _settledAt.RemoveAt(0);
        }

        return true;
    }

    public void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
