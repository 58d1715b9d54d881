using Orleans;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Grains.Interfaces.Streams;

/// <summary>The log read through <see cref="IResourceHistoryGrain"/>: for clients of the cluster that have no database connection.</summary>
public sealed class GrainResourceHistory(IGrainFactory grains) : IResourceHistory
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<TransitionEvent>> ReadAsync(ResourceKey resource, long fromVersion, int maxCount, CancellationToken cancellationToken = default) =>
        await Grain.Read(resource.ScopedType, resource.Id, fromVersion, Math.Min(maxCount, IResourceHistoryGrain.MaxPage)).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<long?> GetOldestVersionAsync(ResourceKey resource, CancellationToken cancellationToken = default) =>
        await Grain.GetOldestVersion(resource.ScopedType, resource.Id).WaitAsync(cancellationToken).ConfigureAwait(false);

    private IResourceHistoryGrain Grain => grains.GetGrain<IResourceHistoryGrain>(0);
}
