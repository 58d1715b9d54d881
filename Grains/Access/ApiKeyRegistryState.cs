using OrleansConsistency.Grains.Interfaces.Access;
using OrleansConsistency.Storage.GrainStorage;

namespace OrleansConsistency.Grains.Access;

/// <summary>
/// What <see cref="ApiKeyRegistryGrain"/> stores: its revision and every key it has known. Bookkeeping, not a product
/// write, so injected storage faults leave it alone.
/// </summary>
public sealed class ApiKeyRegistryState : IInfrastructureState
{
    public long Revision { get; set; }

    public List<ApiKeyEntry> Keys { get; set; } = [];
}
