using OrleansConsistency.Runtime;

namespace OrleansConsistency.Bench.Grains;

/// <summary>Answers at once, so a benchmark of it measures the proxy, the mailbox and the scheduling.</summary>
public sealed class EchoGrain : Grain, IEchoGrain
{
    /// <inheritdoc />
    public Task<int> Echo(int value) => Task.FromResult(value);
}
