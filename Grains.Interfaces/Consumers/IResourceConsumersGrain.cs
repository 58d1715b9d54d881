using Orleans;

namespace OrleansConsistency.Grains.Interfaces.Consumers;

/// <summary>
/// The consumers of one resource (key <c>{type}/{id}</c>): the Orleans stream subscriber (an implicit subscription
/// to the resource's stream) that hands each transition to every consumer of the silo, each keeping its own
/// checkpoint. Orleans activates it on the resource's first event; these calls are for operators and sweeps.
/// </summary>
[Alias("oc.IResourceConsumersGrain")]
public interface IResourceConsumersGrain : IGrainWithStringKey
{
    /// <summary>Makes every consumer read the log after its checkpoint (when it is behind while no new event comes).</summary>
    [Alias("catch-up")]
    Task CatchUp();

    /// <summary>Handles again the versions <paramref name="consumer"/> gave up on for this resource; returns how many now succeeded.</summary>
    /// <exception cref="KeyNotFoundException">No consumer has that name.</exception>
    [Alias("retry-failed")]
    Task<int> RetryFailed(string consumer);
}
