using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.Grains.Interfaces.ReadModel;

/// <summary>The eventual view of resources kept by the <c>read-model</c> consumer, for cheap reads and lists.</summary>
public interface IResourceReadModel
{
    /// <summary>The projected resource, or null when the read model has never seen it.</summary>
    Task<ReadModelEntry?> GetAsync(ResourceKey resource, CancellationToken cancellationToken = default);

    /// <summary>Resources of a type in one tenant, in id order, after <paramref name="after"/> (exclusive), at most <paramref name="limit"/>; deleted ones are left out.</summary>
    Task<ReadModelPage> ListAsync(string tenant, string type, string? after, int limit, CancellationToken cancellationToken = default);
}
