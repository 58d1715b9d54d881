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
    /// <param name="scopedType">The resource's <see cref="ResourceKey.ScopedType"/>: its type, with its tenant when not the default one.</param>
    /// <param name="id">The resource id.</param>
    /// <param name="fromVersion">The first version wanted.</param>
    /// <param name="maxCount">The most transitions wanted.</param>
    /// <exception cref="ArgumentException">The type, tenant, id, version or count is not valid.</exception>
    [Alias("read")]
    Task<IReadOnlyList<TransitionEvent>> Read(string scopedType, string id, long fromVersion, int maxCount);

    /// <summary>The oldest version the log still keeps for a resource, or null when it keeps none.</summary>
    /// <param name="scopedType">The resource's <see cref="ResourceKey.ScopedType"/>.</param>
    /// <param name="id">The resource id.</param>
    [Alias("oldest")]
    Task<long?> GetOldestVersion(string scopedType, string id);
}
