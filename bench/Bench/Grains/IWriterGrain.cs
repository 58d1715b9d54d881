namespace OrleansConsistency.Bench.Grains;

/// <summary>A grain whose every call is one durable write of its state.</summary>
[Alias("bench.IWriterGrain")]
public interface IWriterGrain : IGrainWithStringKey
{
    /// <summary>Bumps the grain's counter, writes it, and returns it once the write committed.</summary>
    [Alias("Write")]
    Task<long> Write();
}
