using Orleans.Runtime.Placement;

namespace OrleansConsistency.Storage.Streams.Wake;

/// <summary>
/// Activates a <see cref="SiloBoundPlacement"/> grain on the silo its key names. When that silo is not in the cluster
/// (it died, or the key is stale) the activation is refused: such a grain is only useful on its own silo.
/// </summary>
internal sealed class SiloBoundPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString() ?? string.Empty;
        if (!QueueWakeGrainKey.TryParse(key, out _, out var silo))
        {
            throw new OrleansException($"'{key}' does not name a silo, so {target.GrainIdentity.Type} has nowhere to be placed.");
        }

        if (!context.GetCompatibleSilos(target).Contains(silo!))
        {
            throw new OrleansException($"Silo {silo} is not an active silo of the cluster; its {target.GrainIdentity.Type} is not placed elsewhere.");
        }

        return Task.FromResult(silo!);
    }
}
