namespace OrleansConsistency.Storage.Tests.Grains;

/// <summary>The stored state of a <see cref="ProbeCounterGrain"/>.</summary>
[GenerateSerializer]
public sealed class ProbeCounterState
{
    [Id(0)]
    public long Value { get; set; }
}
