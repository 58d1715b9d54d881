namespace OrleansConsistency.Storage.GrainStorage;

/// <summary>
/// Rows waiting for the next write of a grain's state. Appends, never overwrites: Orleans may coalesce two queued
/// writes of an interleaving grain into one provider call, and then both writes' rows must commit.
/// </summary>
public sealed class PendingCommitRecords
{
    private readonly Lock _lock = new();
    private List<IntentRecord>? _intents;
    private List<EventRecord>? _events;

    /// <summary>Queues rows for the next write.</summary>
    public void Add(CommitRecords records)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_lock)
        {
            (_intents ??= []).AddRange(records.Intents);
            (_events ??= []).AddRange(records.Events);
        }
    }

    /// <summary>Takes every queued row, leaving the queue empty.</summary>
    public CommitRecords Take()
    {
        lock (_lock)
        {
            if (_intents is null && _events is null)
            {
                return CommitRecords.None;
            }

            var taken = new CommitRecords((IReadOnlyList<IntentRecord>?)_intents ?? [], (IReadOnlyList<EventRecord>?)_events ?? []);
            _intents = null;
            _events = null;
            return taken;
        }
    }
}
