namespace OrleansConsistency.Storage.Tests.Grains;

/// <summary>A persisted counter that says where it runs: which silo, which activation, how many activations so far.</summary>
public interface IProbeCounterGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="delta"/> in one durable write; a stale write reloads the state and throws.</summary>
    /// <exception cref="Orleans.Storage.InconsistentStateException">Another activation wrote first; this one has reloaded, so a retry applies to the stored value.</exception>
    Task<ProbeReport> Add(long delta);

    Task<ProbeReport> Report();
}
