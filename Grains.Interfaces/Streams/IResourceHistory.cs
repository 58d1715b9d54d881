using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Grains.Interfaces.Streams;

/// <summary>A resource's transitions as the log keeps them: where a subscriber catches up before it follows live.</summary>
public interface IResourceHistory
{
    /// <summary>The transitions from <paramref name="fromVersion"/> on, in version order, at most <paramref name="maxCount"/>.</summary>
    Task<IReadOnlyList<TransitionEvent>> ReadAsync(ResourceKey resource, long fromVersion, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>The oldest version the log still keeps, or null when it keeps none.</summary>
    Task<long?> GetOldestVersionAsync(ResourceKey resource, CancellationToken cancellationToken = default);
}
