namespace OrleansConsistency.Bench.Grains;

/// <summary>Answers at once, so a benchmark of it measures the proxy, the message, the scheduling and the activation.</summary>
public sealed class EchoGrain : Grain, IEchoGrain
{
    /// <inheritdoc />
    public Task<int> Echo(int value) => Task.FromResult(value);
}
