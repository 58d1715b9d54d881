using Orleans.Concurrency;

namespace OrleansConsistency.Storage.Tests.Grains;

/// <summary>
/// A non-reentrant grain a test can hold busy for exactly as long as it wants (<see cref="GateGrain.Release"/>), so
/// tests of queueing never depend on the order in which Orleans delivers concurrent calls (it promises none).
/// </summary>
public interface IGateGrain : IGrainWithStringKey
{
    /// <summary>Holds the grain until the test releases this key's gate.</summary>
    Task Hold();

    /// <summary>A short call; counted in <see cref="GateGrain.WorkRuns"/> when it runs.</summary>
    Task<string> Work();

    /// <summary>True when a <see cref="Work"/> call ever ran while <see cref="Hold"/> was holding the grain.</summary>
    Task<bool> RanWorkWhileHeld();

    [AlwaysInterleave]
    Task<string> Ping();
}
