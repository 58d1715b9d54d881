using Orleans.Concurrency;
using OrleansConsistency.Grains.Interfaces.Resources;
using OrleansConsistency.Grains.Interfaces.Streams;
using OrleansConsistency.Storage;

namespace OrleansConsistency.Grains.Streams;

/// <summary>Reads the log for clients without a database connection; a stateless worker, so reads run in parallel on every silo.</summary>
[StatelessWorker]
internal sealed class ResourceHistoryGrain(IEventLog log) : Grain, IResourceHistoryGrain
{
    private readonly EventLogResourceHistory _history = new(log);

    public Task<IReadOnlyList<TransitionEvent>> Read(string scopedType, string id, long fromVersion, int maxCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromVersion);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, IResourceHistoryGrain.MaxPage);
        return _history.ReadAsync(ResourceKey.FromScoped(scopedType, id), fromVersion, maxCount);
    }

    public Task<long?> GetOldestVersion(string scopedType, string id) => _history.GetOldestVersionAsync(ResourceKey.FromScoped(scopedType, id));
}
