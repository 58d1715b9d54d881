namespace OrleansConsistency.Runtime.Storage;

/// <summary>TEMPORARY placeholder until the storage work lands.</summary>
public sealed class StorageOptions
{
    /// <summary>Provider.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Connection string.</summary>
    public string? ConnectionString { get; set; }
}
