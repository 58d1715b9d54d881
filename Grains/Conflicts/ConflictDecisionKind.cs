namespace OrleansConsistency.Grains.Conflicts;

/// <summary>What happens to an intent under its resource type's conflict policy.</summary>
internal enum ConflictDecisionKind
{
    /// <summary>Applied (possibly with fields dropped).</summary>
    Apply,

    /// <summary>Refused by the reject policy.</summary>
    Reject,

    /// <summary>Parked by the manual policy.</summary>
    Park,
}
