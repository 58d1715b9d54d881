namespace OrleansConsistency.Storage.Tests.Grains;

/// <summary>A persisted counter that says where it runs: which silo, which activation, how many activations so far.</summary>
public interface IProbeCounterGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="delta"/> in one durable write.</summary>
    /// <exception cref="Orleans.Storage.InconsistentStateException">
    /// Another activation wrote first. Orleans deactivates this activation when the exception leaves it, so a retry
    /// reaches a new activation that has read the stored value.
    /// </exception>
    Task<ProbeReport> Add(long delta);

    Task<ProbeReport> Report();
}
