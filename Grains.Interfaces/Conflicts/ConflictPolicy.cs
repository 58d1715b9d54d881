namespace OrleansConsistency.Grains.Interfaces.Conflicts;

/// <summary>
/// How a resource type treats an intent based on an older version than the current one (configuration:
/// <c>Resources:Types:{type}:ConflictPolicy</c>). The wire names are in <see cref="ConflictPolicies"/>.
/// </summary>
public enum ConflictPolicy
{
    /// <summary>A field changed since the base version refuses the whole intent (409), saying what changed.</summary>
    Reject,

    /// <summary>The default: everything applies; a field changed since the base version takes the newest intent's value.</summary>
    Merge,

    /// <summary>Per field, the write with the later hybrid logical clock timestamp wins; ties go to the greater idempotency key.</summary>
    LastWriterWins,

    /// <summary>A conflicting intent is parked with status <c>conflict</c> until a person resolves it.</summary>
    Manual,
}
