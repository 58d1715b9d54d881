using OrleansConsistency.Grains.Interfaces.Conflicts;

namespace OrleansConsistency.Grains.Conflicts;

/// <summary>A note in the resource's state that a parked intent was resolved, so its status can say how.</summary>
public sealed class ResolvedConflict
{
    /// <summary>The parked intent's key.</summary>
    public string IntentKey { get; set; } = string.Empty;

    /// <summary>The resolution's report (outcome <c>resolved</c>, with the choice and version).</summary>
    public ConflictReport Report { get; set; } = null!;
}
