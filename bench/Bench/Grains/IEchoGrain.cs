namespace OrleansConsistency.Bench.Grains;

/// <summary>A grain without state: measures the cost of a call through Orleans and nothing else.</summary>
[Alias("bench.IEchoGrain")]
public interface IEchoGrain : IGrainWithStringKey
{
    /// <summary>Returns its argument.</summary>
    [Alias("Echo")]
    Task<int> Echo(int value);
}
