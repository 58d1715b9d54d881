namespace OrleansConsistency.Bench.Grains;

/// <summary>The state of a <see cref="WriterGrain"/>.</summary>
public sealed class WriterState
{
    /// <summary>How many writes the grain committed.</summary>
    public long Writes { get; set; }
}
