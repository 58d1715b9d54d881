using Orleans;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Grains.Interfaces.Streams;

/// <summary>
/// Reads resources' transitions from the log for callers without a database connection (Orleans clients such as
/// <c>samples/StreamSubscriber</c>). A stateless worker: use key 0; each silo runs as many as it needs.
/// </summary>
[Alias("oc.IResourceHistoryGrain")]
public interface IResourceHistoryGrain : IGrainWithIntegerKey
{
    /// <summary>The most transitions one read returns.</summary>
    const int MaxPage = 1000;

    /// <summary>The transitions of a resource from <paramref name="fromVersion"/> on, in version order, at most <paramref name="maxCount"/> (1–<see cref="MaxPage"/>).</summary>
    /// <exception cref="ArgumentException">The type, id, version or count is not valid.</exception>
    [Alias("read")]
    Task<IReadOnlyList<TransitionEvent>> Read(string type, string id, long fromVersion, int maxCount);

    /// <summary>The oldest version the log still keeps for a resource, or null when it keeps none.</summary>
    [Alias("oldest")]
    Task<long?> GetOldestVersion(string type, string id);
}
