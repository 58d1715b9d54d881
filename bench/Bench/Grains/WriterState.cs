namespace OrleansConsistency.Bench.Grains;

/// <summary>
/// The state of a writer grain: small, as the storage benchmarks want. Orleans-serializable too, because Orleans'
/// ADO.NET provider stores states with the silo's grain storage serializer, while the project's provider uses
/// System.Text.Json.
/// </summary>
[GenerateSerializer]
[Alias("bench.WriterState")]
public sealed class WriterState
{
    /// <summary>How many writes the grain committed.</summary>
    [Id(0)]
    public long Writes { get; set; }
}
