namespace OrleansConsistency.Grains.Dependencies;

/// <summary>
/// Faults injected into calls to a dependency before they leave this process, for tests and demos: added latency,
/// a share of calls failing as a 503 would, or a full outage (nothing gets through). All off by default.
/// </summary>
public sealed record DependencyFaults
{
    /// <summary>Delay added to every attempt (it counts against the attempt timeout).</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>The share of attempts (0 to 1) that fail as if the dependency answered 503.</summary>
    public double ErrorRate { get; init; }

    /// <summary>True: every attempt fails as if the dependency could not be reached.</summary>
    public bool Outage { get; init; }

    /// <summary>True when any fault is set.</summary>
    public bool Any => Latency > TimeSpan.Zero || ErrorRate > 0 || Outage;

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (Latency < TimeSpan.Zero || Latency > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException("Latency must be between 0 and 10 minutes.");
        }

        if (ErrorRate is < 0 or > 1 || double.IsNaN(ErrorRate))
        {
            throw new ArgumentException("ErrorRate must be between 0 and 1.");
        }
    }
}
