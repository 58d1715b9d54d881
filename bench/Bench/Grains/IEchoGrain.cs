using OrleansConsistency.Runtime;

namespace OrleansConsistency.Bench.Grains;

/// <summary>A grain without state: measures the cost of a call through the runtime and nothing else.</summary>
public interface IEchoGrain : IGrainWithStringKey
{
    /// <summary>Returns its argument.</summary>
    Task<int> Echo(int value);
}
