namespace OrleansConsistency.Storage;

/// <summary>
/// Storage faults in force from start-up (<c>Silo:Storage:Faults</c>), for demos and tests; the fault-injection admin
/// endpoint changes them at run time. All off by default.
/// </summary>
public sealed class StorageFaultSettings
{
    /// <summary>Delay added before each storage transaction, as a slow database would.</summary>
    public TimeSpan WriteLatency { get; set; }

    /// <summary>Delay added before each read of a grain's state.</summary>
    public TimeSpan ReadLatency { get; set; }

    /// <summary>How many writes fail as if the database could not be reached (0: none).</summary>
    public int FailNextWrites { get; set; }
}
